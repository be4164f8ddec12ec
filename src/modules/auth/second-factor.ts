import crypto from 'node:crypto';
import { totpSecret, totpUri, totpVerify } from './totp';
import QRCode from 'qrcode';
import type { Actor } from '../../policy/actor';
import { acceptStep, findSecondFactor, useRecoveryCode } from './second-factor.repo';

export const ISSUER = 'Единый реестр';
export const RECOVERY_CODE_COUNT = 10;
/** The published secret of the demo's central and regional accounts (they work on the embedded demo database only). */
export const DEMO_TOTP_SECRET = 'TQ5UF33HMM5F5BMDO4SNFD3DIMAVFIJ7';

export function newSecret(): string {
  return totpSecret();
}

/** The QR code (a PNG data URL made here, no outside service sees the secret) and the secret in groups of 4. */
export async function enrolment(login: string, secret: string) {
  const uri = totpUri(ISSUER, login, secret);
  return {
    qr: await QRCode.toDataURL(uri, { margin: 1, width: 220 }),
    secret: secret.replace(/(.{4})/g, '$1 ').trim(),
  };
}

/** The time step of a valid code (the previous and next 30 s also count: phone clocks drift), or null. */
export async function totpStep(secret: string, code: string): Promise<number | null> {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  return totpVerify(secret, token);
}

const normaliseRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
export function hashRecoveryCode(code: string): string {
  return crypto.createHash('sha256').update(normaliseRecovery(code)).digest('hex');
}

/** Ten codes such as «k7wq2-m9xpa» (50 bits each: a fast hash is enough), shown once. */
export function makeRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Checks a code typed at sign-in: a code of the app (once per time step) or an unused recovery code. */
export async function checkSecondFactor(userId: string, code: string): Promise<'totp' | 'recovery' | null> {
  const sf = await findSecondFactor(userId);
  if (!sf) return null;
  const step = await totpStep(sf.secret, code);
  if (step !== null) return (await acceptStep(userId, step)) ? 'totp' : null;
  if (normaliseRecovery(code).length === 10 && (await useRecoveryCode(userId, hashRecoveryCode(code))))
    return 'recovery';
  return null;
}

/** ASVS L2: the central and regional levels reach the data of millions of people: a second factor is required. */
export function secondFactorRequiredFor(actor: Pick<Actor, 'assignments'>): boolean {
  return actor.assignments.some((a) => a.orgKind === 'CENTRAL' || a.orgKind === 'REGIONAL');
}
