import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

// argon2id with the library's defaults (m=19 MiB, t=2, p=1: OWASP's minimum).
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verifying against this when the login does not exist keeps the timing the same.
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hash('not-a-real-password-only-for-timing');
  return dummy;
}

/**
 * Published passwords (the README's demo password) are never accepted for a real account: anyone can read
 * them. The demo accounts themselves are made by the seed code, not through these checks.
 */
const PUBLISHED = ['reestr-demo-2026'];
/** Words of this service that make a password guessable for an attacker who knows where it is used. */
const SITE_WORDS = ['reestr', 'реестр', 'profsoyuz', 'профсоюз', 'eseur', 'demo', 'демо'];

const LATIN: Record<string, string> = Object.fromEntries(
  'а:a б:b в:v г:g д:d е:e ё:e ж:zh з:z и:i й:y к:k л:l м:m н:n о:o п:p р:r с:s т:t у:u ф:f х:kh ц:ts ч:ch ш:sh щ:shch ъ: ы:y ь: э:e ю:yu я:ya'
    .split(' ')
    .map((p): [string, string] => [p.split(':')[0], p.split(':')[1]]),
);
/** Иванов → ivanov: a name is typed in Latin letters in a password as often as in Cyrillic. */
function latin(s: string): string {
  return [...s.toLowerCase()].map((c) => LATIN[c] ?? c).join('');
}

let factory: ZxcvbnFactory | undefined;
function strength(p: string, userInputs: string[]): number {
  factory ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
  return factory.check(p, [...SITE_WORDS, ...userInputs]).score;
}

/**
 * What is wrong with a new password, in Russian, or null. Besides the length, a password must be hard to guess
 * (zxcvbn score 3 or more: common and breached passwords, keyboard walks, dates and the user's own login and name
 * all score low) and must not be a published one.
 */
export function passwordProblem(p: string, user: { login?: string; fullName?: string } = {}): string | null {
  if (p.length < 10) return 'Пароль: не короче 10 символов';
  if (p.length > 200) return 'Пароль: не длиннее 200 символов';
  if (!/[A-Za-zА-Яа-яЁё]/.test(p) || !/\d/.test(p)) return 'Пароль должен содержать буквы и цифры';
  if (PUBLISHED.includes(p.trim().toLowerCase()))
    return 'Этот пароль опубликован (демонстрационный) — придумайте другой';
  const names = (user.fullName ?? '').split(/\s+/);
  const inputs = [user.login ?? '', ...names, ...names.map(latin)].filter((s) => s.length >= 2);
  if (strength(p, inputs) < 3)
    return 'Пароль слишком простой: такие подбирают по словарям частых и утёкших паролей. Добавьте несколько слов или символов, не используйте логин, имя и даты';
  return null;
}

/** The field-level check (without the login and name, which a form checks once all its fields parse). */
export function passwordRefine(v: string, ctx: { addIssue(i: { code: 'custom'; message: string }): void }): void {
  const p = passwordProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p });
}
