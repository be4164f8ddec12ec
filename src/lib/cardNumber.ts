import crypto from 'node:crypto';

/**
 * Card numbers: 16 digits = "96" (the union's prefix) + 13-digit sequence number + a Luhn check digit,
 * so a mistyped digit or a swap of neighbours is caught before any lookup.
 */
export const CARD_PREFIX = '96';

export function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function cardNumberFromSeq(seq: bigint | number): string {
  const body = `${CARD_PREFIX}${String(seq).padStart(13, '0')}`;
  return `${body}${luhnDigit(body)}`;
}

export function normaliseCardNumber(raw: string): string {
  // Excel and people write "9600 0000 0000 0017" or "9,6E+15": keep digits only.
  return String(raw).replace(/[\s-]/g, '');
}

export function isValidCardNumber(n: string): boolean {
  return /^\d{16}$/.test(n) && n.startsWith(CARD_PREFIX) && luhnDigit(n.slice(0, -1)) === Number(n[15]);
}

export function formatCardNumber(n: string): string {
  return n.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** The QR payload: the number and a server signature, nothing personal. "EPB1:<number>:<sig>". */
export function qrPayload(number: string, key: string): string {
  return `EPB1:${number}:${signCard(number, key)}`;
}

export function signCard(number: string, key: string): string {
  return crypto.createHmac('sha256', key).update(`card:${number}`).digest('base64url').slice(0, 16);
}

export function parseQr(payload: string, key: string): { number: string; genuine: boolean } | null {
  const m = /^EPB1:(\d{16}):([A-Za-z0-9_-]{16})$/.exec(payload.trim());
  if (!m) return null;
  const expected = signCard(m[1], key);
  const genuine = crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(m[2]));
  return { number: m[1], genuine };
}
