/** A contact a member signs in with: an e-mail (lower-case) or a Russian mobile phone (+7XXXXXXXXXX). */
export type Contact = { kind: 'EMAIL'; value: string } | { kind: 'SMS'; value: string };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

/** The phone as +7XXXXXXXXXX whatever way it was typed (8 900…, +7 (900)…, 900…); null if it is not one. */
export function phoneKey(raw: string): string | null {
  const d = raw.replace(/\D/g, '');
  if (/^[78]\d{10}$/.test(d)) return `+7${d.slice(1)}`;
  if (/^9\d{9}$/.test(d)) return `+7${d}`;
  return null;
}

export function parseContact(raw: unknown): Contact | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  if (!s || s.length > 254) return null;
  if (s.includes('@')) return EMAIL.test(s) ? { kind: 'EMAIL', value: s.toLowerCase() } : null;
  if (!/^[+\d\s()-]+$/.test(s)) return null;
  const p = phoneKey(s);
  return p ? { kind: 'SMS', value: p } : null;
}

export const CONTACT_ERROR = 'Введите адрес электронной почты или номер мобильного телефона, например +7 900 123-45-67';
