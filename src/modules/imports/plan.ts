// The import's plan: what a file would do to the organisation (the preview shows it, the run writes it).
import { placeholderNameProblem } from '../retention/depersonalised';
import type { Category } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { convertRow, looseIdentity, mappingProblems, type ImportRow, type Mapping } from './fields';
import { activeMembersOf, existingPersons, type Existing } from './imports.repo';

export interface Plan {
  create: (ImportRow & { personId: string | null })[];
  update: {
    row: ImportRow;
    memberId: string;
    personId: string;
    version: number;
    before: Existing;
    categoryChanged: boolean;
  }[];
  exit: { memberId: string; version: number; name: string }[];
  unchanged: number;
  rejected: { row: number; errors: string[]; cells?: string[] }[];
  headers?: string[];
}

const PERSON_FIELDS = [
  'lastName',
  'firstName',
  'middleName',
  'birthDate',
  'gender',
  'phone',
  'email',
  'snils',
] as const;

/**
 * Every 2,000 rows, lets the event loop answer other requests: checking a 200,000-row file is seconds of work
 * on the web process (a preview), which otherwise stalled every other user's page until it ended.
 */
async function breather(i: number): Promise<void> {
  if (i > 0 && i % 2000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * What the file would do to the organisation: the same validation and duplicate rules as one-by-one entry.
 * add: new members only (already registered here: unchanged; registered elsewhere: rejected with the reason).
 * sync: the file is the full list — matched by the institution's own number, then by ФИО + birth date;
 * changed data is updated; members missing from the file will be exited.
 */
export async function buildPlan(
  org: { id: string; path: string },
  mode: 'ADD' | 'SYNC',
  table: { headers?: string[]; rows: string[][] },
  mapping: Mapping,
  defaults: { category: Category; joinedAt: string },
): Promise<Plan> {
  const problems = mappingProblems(mapping);
  if (problems.length) throw new AppError('BAD_REQUEST', problems.join('; '), { mapping: problems.join('; ') });
  const plan: Plan = { create: [], update: [], exit: [], unchanged: 0, rejected: [], headers: table.headers };
  const valid: ImportRow[] = [];
  // People on the list whose row has an error are still on the list: a sync must not exit them.
  const listedExt = new Set<string>();
  const listedKeys = new Set<string>();
  const seenKey = new Map<string, number>();
  const seenExt = new Map<string, number>();
  for (let i = 0; i < table.rows.length; i++) {
    await breather(i);
    const cells = table.rows[i];
    const rowNo = i + 2; // the header is row 1
    const r = convertRow(cells, mapping, rowNo, defaults);
    if (!r.ok) {
      const who = looseIdentity(cells, mapping);
      if (who.externalId) listedExt.add(who.externalId);
      if (who.identityKey) listedKeys.add(who.identityKey);
      plan.rejected.push({ row: rowNo, errors: r.errors, cells });
      continue;
    }
    const placeholder = placeholderNameProblem(r.value.lastName);
    if (placeholder) {
      plan.rejected.push({ row: rowNo, errors: [placeholder], cells });
      continue;
    }
    const dupK = seenKey.get(r.value.identityKey);
    const dupE = r.value.externalId ? seenExt.get(r.value.externalId) : undefined;
    if (dupK) {
      plan.rejected.push({ row: rowNo, errors: [`Этот человек уже есть в файле в строке ${dupK}`] });
      continue;
    }
    if (dupE) {
      plan.rejected.push({ row: rowNo, errors: [`Номер ${r.value.externalId} уже есть в файле в строке ${dupE}`] });
      continue;
    }
    seenKey.set(r.value.identityKey, rowNo);
    if (r.value.externalId) seenExt.set(r.value.externalId, rowNo);
    valid.push(r.value);
  }
  const here = await activeMembersOf(org.path);
  const hereByExt = new Map(here.filter((m) => m.externalId).map((m) => [m.externalId!, m]));
  const hereByKey = new Map(here.map((m) => [m.identityKey, m]));
  const persons = await existingPersons(
    valid.map((v) => v.identityKey),
    valid.filter((v) => v.snils).map((v) => v.snils!),
  );
  const byKey = new Map(persons.map((p) => [p.identityKey, p]));
  const bySnils = new Map(persons.filter((p) => p.snils).map((p) => [p.snils!, p]));
  const matched = new Set<string>();
  for (const [n, v] of valid.entries()) {
    await breather(n);
    const mine = (v.externalId && hereByExt.get(v.externalId)) || hereByKey.get(v.identityKey);
    if (mine) {
      matched.add(mine.memberId);
      if (mode === 'ADD') {
        plan.unchanged += 1;
        continue;
      }
      const other = byKey.get(v.identityKey) ?? (v.snils ? bySnils.get(v.snils) : undefined);
      const snilsHolder = v.snils ? bySnils.get(v.snils) : undefined;
      if (snilsHolder && snilsHolder.personId !== mine.personId) {
        plan.rejected.push({ row: v.row, errors: ['Такой СНИЛС уже у другого человека в реестре'] });
        continue;
      }
      if (other && other.personId !== mine.personId) {
        plan.rejected.push({
          row: v.row,
          errors: ['Такие ФИО и дата рождения (или СНИЛС) уже у другого человека в реестре'],
        });
        continue;
      }
      const differs =
        PERSON_FIELDS.some(
          (f) =>
            (v[f] ?? null) !== ((mine as unknown as Record<string, unknown>)[f] ?? null) &&
            !(f === 'gender' && v.gender === null) &&
            !(['phone', 'email', 'snils'].includes(f) && v[f] === null),
        ) ||
        (v.externalId ?? null) !== (mine.externalId ?? null) ||
        (mapping.category !== undefined && v.category !== mine.category);
      if (!differs) {
        plan.unchanged += 1;
        continue;
      }
      plan.update.push({
        row: v,
        memberId: mine.memberId,
        personId: mine.personId,
        version: mine.version,
        before: mine,
        categoryChanged: mapping.category !== undefined && v.category !== mine.category,
      });
      continue;
    }
    const p = byKey.get(v.identityKey) ?? (v.snils ? bySnils.get(v.snils) : undefined);
    const holder = v.snils ? bySnils.get(v.snils) : undefined;
    if (p && holder && holder.personId !== p.personId) {
      // This identity is a former member, but the СНИЛС typed is someone else's: never reuse either record.
      plan.rejected.push({ row: v.row, errors: ['Такой СНИЛС уже у другого человека в реестре'] });
      continue;
    }
    if (p && !p.memberId && v.snils && p.snils && p.snils !== v.snils) {
      plan.rejected.push({
        row: v.row,
        errors: ['У человека с такими ФИО и датой рождения в реестре записан другой СНИЛС: проверьте номер'],
      });
      continue;
    }
    if (p && p.identityKey !== v.identityKey) {
      // Found by СНИЛС only: another person (other ФИО or birth date). Someone of this organisation may be named.
      const here = p.memberId && hereByKey.get(p.identityKey)?.memberId === p.memberId;
      plan.rejected.push({
        row: v.row,
        errors: [
          here
            ? 'Такой СНИЛС уже у другого члена этой организации: проверьте ФИО, дату рождения и СНИЛС'
            : 'Такой СНИЛС уже у другого человека в реестре',
        ],
      });
      continue;
    }
    if (p?.memberId) {
      plan.rejected.push({ row: v.row, errors: ['Состоит на учёте в другой организации: оформите перевод'] });
      continue;
    }
    plan.create.push({ ...v, personId: p?.personId ?? null });
  }
  for (const r of plan.rejected) if (!r.cells) r.cells = table.rows[r.row - 2];
  if (mode === 'SYNC') {
    for (const m of here)
      if ((m.externalId && listedExt.has(m.externalId)) || listedKeys.has(m.identityKey)) matched.add(m.memberId);
    for (const m of here)
      if (!matched.has(m.memberId))
        plan.exit.push({
          memberId: m.memberId,
          version: m.version,
          name: [m.lastName, m.firstName, m.middleName].filter(Boolean).join(' '),
        });
  }
  return plan;
}

export function resultOf(plan: Plan) {
  plan.rejected.sort((a, b) => a.row - b.row);
  return {
    created: plan.create.length,
    updated: plan.update.length,
    exited: plan.exit.length,
    unchanged: plan.unchanged,
    rejected: plan.rejected,
    headers: plan.headers ?? [],
  };
}
