import { hash, verify } from '@node-rs/argon2';

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

export function passwordProblem(p: string): string | null {
  if (p.length < 10) return 'Пароль: не короче 10 символов';
  if (p.length > 200) return 'Пароль: не длиннее 200 символов';
  if (!/[A-Za-zА-Яа-яЁё]/.test(p) || !/\d/.test(p)) return 'Пароль должен содержать буквы и цифры';
  return null;
}
