import { placeholderNameProblem } from '../retention/depersonalised';
import type pg from 'pg';
import type { Category, MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { CONSENT_TEXT_VERSION } from '../members/members.service';
import { convertRow, looseIdentity, mappingProblems, type ImportRow, type Mapping } from './fields';
import { checkFile, readTable } from './files';
import { orphanedImports, requeueImport, withImportLock } from './running.repo';
import { db, withTransaction } from '../../db';
import { exitMembers, registeredAfter, splitCategory } from '../members/bulk.repo';
import {
  activeMembersOf,
  existingPersons,
  findImportJob,
  setProgress,
  updateImportJob,
  type Existing,
} from './imports.repo';
import {
  auditRun,
  changesForUndo,
  deleteCreated,
  insertMembers,
  markUndone,
  recordChanges,
  registeredOn,
  reopenExited,
  restoreUpdated,
  withCards,
  writeMembers,
  writePersons,
  type Change,
  type ExitedBefore,
  type UpdatedBefore,
} from './writes.repo';

/** The note of the exit movement written for members missing from a synced list (the undo finds it by this). */
const EXIT_NOTE = 'Импорт: нет в списке';

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

/** The plan written in the caller's transaction, in chunks (set-based statements in writes.repo.ts), with progress. */
async function applyPlan(
  c: pg.PoolClient,
  job: { id: string; organisationId: string; exitReason: MovementKind | null; exitDate: string | null },
  plan: Plan,
  userId: string | null,
  progress: (p: number) => Promise<void>,
) {
  const t = today();
  const changes: Change[] = [];
  const CH = 5000;
  for (let i = 0; i < plan.create.length; i += CH) {
    const part = plan.create.slice(i, i + CH);
    const memberIds = await insertMembers(c, {
      organisationId: job.organisationId,
      rows: part,
      userId,
      today: t,
      consentVersion: CONSENT_TEXT_VERSION,
    });
    memberIds.forEach((m) => changes.push({ memberId: m, kind: 'CREATED', before: null, versionAfter: 1 }));
    await progress(0.4 + 0.4 * ((i + part.length) / Math.max(1, plan.create.length)));
  }
  for (let i = 0; i < plan.update.length; i += CH) {
    const part = plan.update.slice(i, i + CH);
    await writePersons(
      c,
      part.map((u) => ({ personId: u.personId, v: u.row })),
      true,
    );
    const written = await writeMembers(
      c,
      part.map((u) => ({
        memberId: u.memberId,
        version: u.version,
        externalId: u.row.externalId,
        category: u.categoryChanged ? u.row.category : u.before.category!,
      })),
    );
    if (written !== part.length)
      throw new AppError('STALE_VERSION', 'Пока шёл импорт, часть записей изменили: запустите его ещё раз');
    // A category change splits the registration period on the import's date (or edits one that began that day).
    const cat = part.filter((u) => u.categoryChanged);
    const sameDay = cat.length
      ? await registeredOn(
          c,
          cat.map((u) => u.memberId),
          t,
        )
      : new Set<string>();
    if (cat.length)
      await splitCategory(
        c,
        cat.map((u) => u.memberId),
        cat.map((u) => u.row.category),
        t,
      );
    part.forEach((u) =>
      changes.push({
        memberId: u.memberId,
        kind: 'UPDATED',
        versionAfter: u.version + 1,
        before: {
          ...u.before,
          categoryChanged: u.categoryChanged,
          ...(u.categoryChanged ? { categoryDate: t, categorySplit: !sameDay.has(u.memberId) } : {}),
        } satisfies UpdatedBefore,
      }),
    );
  }
  if (plan.exit.length) {
    const date = job.exitDate ?? t;
    const reason = job.exitReason ?? 'EXIT_GRADUATED';
    const ids = plan.exit.map((e) => e.memberId);
    const bad = await registeredAfter(c, ids, date);
    if (bad > 0)
      throw new AppError('BAD_REQUEST', `Дата выбытия раньше постановки на учёт у ${bad} человек`, {
        exitDate: 'Дата выбытия раньше постановки на учёт',
      });
    const { ids: exited, blocked } = await exitMembers(c, {
      ids,
      versions: plan.exit.map((e) => e.version),
      reason,
      date,
      userId,
      note: EXIT_NOTE,
    });
    if (exited.length !== ids.length)
      throw new AppError('STALE_VERSION', 'Пока шёл импорт, часть записей изменили: запустите его ещё раз');
    const cardsBy = new Map<string, { id: string; status: string }[]>();
    for (const x of blocked)
      cardsBy.set(x.memberId, [...(cardsBy.get(x.memberId) ?? []), { id: x.id, status: x.status }]);
    plan.exit.forEach((e) =>
      changes.push({
        memberId: e.memberId,
        kind: 'EXITED',
        before: { cards: cardsBy.get(e.memberId) ?? [] } satisfies ExitedBefore,
        versionAfter: e.version + 1,
      }),
    );
  }
  await recordChanges(c, job.id, changes);
  await auditRun(c, {
    userId,
    jobId: job.id,
    organisationId: job.organisationId,
    rows: changes.length,
    details: { created: plan.create.length, updated: plan.update.length, exited: plan.exit.length },
  });
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

/**
 * Runs an import job: parse, plan, write, all in ONE transaction. A failure or a killed process leaves nothing
 * behind; running the same file again finds nothing to change.
 */
export async function runImport(jobId: string): Promise<void> {
  // One run per job at a time: a retry of a job another process still runs waits its turn in the queue.
  await withImportLock(jobId, () => runImportLocked(jobId));
}

/**
 * At worker start: an import left «выполняется» by a killed process is taken up again (the run is one
 * transaction, so the dead run left nothing behind).
 */
export async function resumeOrphanedImports(requeue: (jobId: string) => Promise<void>): Promise<number> {
  let n = 0;
  for (const id of await orphanedImports()) {
    if (!(await requeueImport(id))) continue;
    await requeue(id);
    n++;
  }
  return n;
}

async function runImportLocked(jobId: string): Promise<void> {
  const job = await findImportJob(jobId);
  if (!job || !job.file) throw new AppError('NOT_FOUND');
  if (job.status === 'DONE' || job.status === 'UNDONE') return;
  await updateImportJob(job.id, { status: 'RUNNING', startedAt: new Date(), progress: 0.05, error: null });
  try {
    const org = await db().organisation.findUniqueOrThrow({ where: { id: job.organisationId } });
    const kind = await checkFile(Buffer.from(job.file), job.fileName);
    const table = await readTable(Buffer.from(job.file), kind);
    await setProgress(job.id, 0.2);
    const m = job.mapping as { columns: Mapping; category?: Category; joinedAt?: string };
    const plan = await buildPlan(org, job.mode, table, m.columns, {
      category: m.category ?? 'WORKING',
      joinedAt: m.joinedAt ?? today(),
    });
    await setProgress(job.id, 0.4);
    await withTransaction((c) =>
      applyPlan(
        c,
        {
          id: job.id,
          organisationId: org.id,
          exitReason: job.exitReason,
          exitDate: job.exitDate ? job.exitDate.toISOString().slice(0, 10) : null,
        },
        plan,
        job.userId,
        (p) => setProgress(job.id, p),
      ),
    );
    await updateImportJob(job.id, {
      status: 'DONE',
      progress: 1,
      finishedAt: new Date(),
      result: resultOf(plan),
      file: null,
    });
  } catch (e) {
    const msg = e instanceof AppError ? e.message : 'Внутренняя ошибка при импорте';
    await updateImportJob(job.id, { status: 'FAILED', finishedAt: new Date(), error: msg });
    if (!(e instanceof AppError)) throw e;
  }
}

/**
 * Undoes a finished import (within 30 days): exactly its own changes, newest first, and only where the member
 * was not edited since (the version still is the one the import left). What could not be undone is reported.
 */
export async function undoImport(actor: Actor, jobId: string) {
  const job = await findImportJob(jobId);
  if (!job) throw new AppError('NOT_FOUND');
  if (job.status !== 'DONE') throw new AppError('UNPROCESSABLE', 'Отменить можно только завершённый импорт');
  if (job.finishedAt && Date.now() - job.finishedAt.getTime() > 30 * 86_400_000)
    throw new AppError('UNPROCESSABLE', 'Импорт старше 30 дней: отмена невозможна');
  const skipped: { memberId: string; reason: string }[] = [];
  let reversed = 0;
  await withTransaction(async (c) => {
    const changes = await changesForUndo(c, job.id);
    const fresh = changes.filter((ch) => {
      if (ch.current === ch.versionAfter) return true;
      skipped.push({ memberId: ch.memberId, reason: 'изменён после импорта' });
      return false;
    });
    const created = fresh.filter((ch) => ch.kind === 'CREATED');
    const carded = await withCards(
      c,
      created.map((ch) => ch.memberId),
    );
    for (const ch of created)
      if (carded.has(ch.memberId)) skipped.push({ memberId: ch.memberId, reason: 'уже заказан билет' });
    const deletable = created.filter((ch) => !carded.has(ch.memberId)).map((ch) => ch.memberId);
    await deleteCreated(c, job.id, deletable);
    const exited = fresh
      .filter((ch) => ch.kind === 'EXITED')
      .map((ch) => ({ memberId: ch.memberId, before: ch.before as ExitedBefore }));
    await reopenExited(c, exited, { userId: actor.userId, today: today(), exitNote: EXIT_NOTE });
    const updated = fresh
      .filter((ch) => ch.kind === 'UPDATED')
      .map((ch) => ({ memberId: ch.memberId, before: ch.before as UpdatedBefore }));
    // Imports made before the category's date was recorded cannot put the category back.
    const oldCategory = updated.filter((u) => u.before.categoryChanged && !u.before.categoryDate);
    for (const u of oldCategory)
      skipped.push({ memberId: u.memberId, reason: 'смена категории не отменяется автоматически' });
    const restorable = updated.filter((u) => !oldCategory.includes(u));
    await restoreUpdated(c, restorable);
    reversed = deletable.length + exited.length + restorable.length;
    await markUndone(c, job.id, { reversed, skipped });
  });
  await audit(actor, {
    action: 'import.undone',
    entity: 'ImportJob',
    entityId: job.id,
    organisationId: job.organisationId,
    rowCount: reversed,
    details: { skipped: skipped.length },
  });
  return { reversed, skipped };
}
