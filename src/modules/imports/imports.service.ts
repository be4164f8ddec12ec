// Running an import job (read the file, build the plan, write it in one transaction) and undoing it.
// The plan itself is built in plan.ts.
import type pg from 'pg';
import type { Category, MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit, auditSql } from '../audit/audit.repo';
import { CONSENT_TEXT_VERSION } from '../members/members.service';
import type { Mapping } from './fields';
import { checkFile, readTable } from './files';
import { buildPlan, resultOf, type Plan } from './plan';
import { orphanedImports, requeueImport, withImportLock } from './running.repo';
import { db, withTransaction } from '../../db';
import { exitMembers, registeredAfter, splitCategory } from '../members/bulk.repo';
import { findImportJob, setProgress, updateImportJob } from './imports.repo';
import {
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
  // The import's audit record, in its transaction (no personal values: counts only).
  await auditSql(c, userId, {
    action: 'import.run',
    entity: 'ImportJob',
    entityId: job.id,
    organisationId: job.organisationId,
    rowCount: changes.length,
    details: { created: plan.create.length, updated: plan.update.length, exited: plan.exit.length },
  });
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
