/** СНИЛС: 11 digits, the last two a checksum of the first nine (Пенсионный фонд's rule). */
export function normaliseSnils(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

export function snilsProblem(raw: string): string | null {
  const d = normaliseSnils(raw);
  if (!/^\d{11}$/.test(d)) return 'СНИЛС: 11 цифр, например 112-233-445 95';
  const body = d.slice(0, 9);
  const check = Number(d.slice(9));
  // Numbers up to 001-001-998 are not checked by the rule.
  if (Number(body) <= 1001998) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (9 - i);
  let expected = sum % 101;
  if (expected === 100) expected = 0;
  return expected === check ? null : 'СНИЛС: неверная контрольная сумма, проверьте цифры';
}

export function formatSnils(d: string): string {
  return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 9)} ${d.slice(9)}`;
}
