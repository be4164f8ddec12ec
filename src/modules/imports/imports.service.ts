import crypto from 'node:crypto';
import type pg from 'pg';
import type { Category, MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { today } from '../../lib/dates';
import { nameKey } from '../../lib/names';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { CONSENT_TEXT_VERSION } from '../members/members.service';
import { convertRow, looseIdentity, mappingProblems, type ImportRow, type Mapping } from './fields';
import { checkFile, readTable } from './files';
import { db, withTransaction } from '../../db';
import { exitMembers, registeredAfter, splitCategory } from '../members/bulk.repo';
import { activeMembersOf, changesOf, existingPersons, findImportJob, setProgress, updateImportJob, type Existing } from './imports.repo';

export interface Plan {
  create: (ImportRow & { personId: string | null })[];
  update: { row: ImportRow; memberId: string; personId: string; version: number; before: Existing; categoryChanged: boolean }[];
  exit: { memberId: string; version: number; name: string }[];
  unchanged: number;
  rejected: { row: number; errors: string[]; cells?: string[] }[];
  headers?: string[];
}

const PERSON_FIELDS = ['lastName', 'firstName', 'middleName', 'birthDate', 'gender', 'phone', 'email', 'snils'] as const;

/**
 * What the file would do to the organisation: the same validation and duplicate rules as one-by-one entry.
 * add: new members only (already registered here: unchanged; registered elsewhere: rejected with the reason).
 * sync: the file is the full list — matched by the institution's own number, then by ФИО + birth date;
 * changed data is updated; members missing from the file will be exited.
 */
export async function buildPlan(org: { id: string; path: string }, mode: 'ADD' | 'SYNC', table: { headers?: string[]; rows: string[][] }, mapping: Mapping, defaults: { category: Category; joinedAt: string }): Promise<Plan> {
  const problems = mappingProblems(mapping);
  if (problems.length) throw new AppError('BAD_REQUEST', problems.join('; '), { mapping: problems.join('; ') });
  const plan: Plan = { create: [], update: [], exit: [], unchanged: 0, rejected: [], headers: table.headers };
  const valid: ImportRow[] = [];
  // People on the list whose row has an error are still on the list: a sync must not exit them.
  const listedExt = new Set<string>();
  const listedKeys = new Set<string>();
  const seenKey = new Map<string, number>();
  const seenExt = new Map<string, number>();
  table.rows.forEach((cells, i) => {
    const rowNo = i + 2; // the header is row 1
    const r = convertRow(cells, mapping, rowNo, defaults);
    if (!r.ok) {
      const who = looseIdentity(cells, mapping);
      if (who.externalId) listedExt.add(who.externalId);
      if (who.identityKey) listedKeys.add(who.identityKey);
      return void plan.rejected.push({ row: rowNo, errors: r.errors, cells });
    }
    const dupK = seenKey.get(r.value.identityKey);
    const dupE = r.value.externalId ? seenExt.get(r.value.externalId) : undefined;
    if (dupK) return void plan.rejected.push({ row: rowNo, errors: [`Этот человек уже есть в файле в строке ${dupK}`] });
    if (dupE) return void plan.rejected.push({ row: rowNo, errors: [`Номер ${r.value.externalId} уже есть в файле в строке ${dupE}`] });
    seenKey.set(r.value.identityKey, rowNo);
    if (r.value.externalId) seenExt.set(r.value.externalId, rowNo);
    valid.push(r.value);
  });
  const here = await activeMembersOf(org.path);
  const hereByExt = new Map(here.filter((m) => m.externalId).map((m) => [m.externalId!, m]));
  const hereByKey = new Map(here.map((m) => [m.identityKey, m]));
  const persons = await existingPersons(valid.map((v) => v.identityKey), valid.filter((v) => v.snils).map((v) => v.snils!));
  const byKey = new Map(persons.map((p) => [p.identityKey, p]));
  const bySnils = new Map(persons.filter((p) => p.snils).map((p) => [p.snils!, p]));
  const matched = new Set<string>();
  for (const v of valid) {
    const mine = (v.externalId && hereByExt.get(v.externalId)) || hereByKey.get(v.identityKey);
    if (mine) {
      matched.add(mine.memberId!);
      if (mode === 'ADD') { plan.unchanged += 1; continue; }
      const other = byKey.get(v.identityKey) ?? (v.snils ? bySnils.get(v.snils) : undefined);
      if (other && other.personId !== mine.personId) { plan.rejected.push({ row: v.row, errors: ['Такие ФИО и дата рождения (или СНИЛС) уже у другого человека в реестре'] }); continue; }
      const differs = PERSON_FIELDS.some((f) => (v[f] ?? null) !== ((mine as unknown as Record<string, unknown>)[f] ?? null) && !(f === 'gender' && v.gender === null) && !(['phone', 'email', 'snils'].includes(f) && v[f] === null))
        || (v.externalId ?? null) !== (mine.externalId ?? null) || (mapping.category !== undefined && v.category !== mine.category);
      if (!differs) { plan.unchanged += 1; continue; }
      plan.update.push({ row: v, memberId: mine.memberId!, personId: mine.personId, version: mine.version!, before: mine, categoryChanged: mapping.category !== undefined && v.category !== mine.category });
      continue;
    }
    const p = byKey.get(v.identityKey) ?? (v.snils ? bySnils.get(v.snils) : undefined);
    if (p && p.identityKey !== v.identityKey) {
      // Found by СНИЛС only: another person (other ФИО or birth date). Someone of this organisation may be named.
      const here = p.memberId && hereByKey.get(p.identityKey)?.memberId === p.memberId;
      plan.rejected.push({ row: v.row, errors: [here ? 'Такой СНИЛС уже у другого члена этой организации: проверьте ФИО, дату рождения и СНИЛС' : 'Такой СНИЛС уже у другого человека в реестре'] });
      continue;
    }
    if (p?.memberId) { plan.rejected.push({ row: v.row, errors: ['Состоит на учёте в другой организации: оформите перевод'] }); continue; }
    plan.create.push({ ...v, personId: p?.personId ?? null });
  }
  for (const r of plan.rejected) if (!r.cells) r.cells = table.rows[r.row - 2];
  if (mode === 'SYNC') {
    for (const m of here) if ((m.externalId && listedExt.has(m.externalId)) || listedKeys.has(m.identityKey)) matched.add(m.memberId!);
    for (const m of here) if (!matched.has(m.memberId!)) plan.exit.push({ memberId: m.memberId!, version: m.version!, name: [m.lastName, m.firstName, m.middleName].filter(Boolean).join(' ') });
  }
  return plan;
}

/** Bulk statements: arrays bound as parameters and unnested, a few statements for any number of rows. */
async function applyPlan(c: pg.PoolClient, job: { id: string; organisationId: string; exitReason: MovementKind | null; exitDate: string | null }, plan: Plan, userId: string | null, progress: (p: number) => Promise<void>) {
  const t = today();
  const changes: { memberId: string; kind: string; before: unknown; versionAfter: number }[] = [];
  const CH = 5000;
  for (let i = 0; i < plan.create.length; i += CH) {
    const part = plan.create.slice(i, i + CH);
    const personIds = part.map((r) => r.personId ?? crypto.randomUUID());
    const fresh = part.map((r, k) => ({ r, id: personIds[k] })).filter((x) => !x.r.personId);
    if (fresh.length) {
      await c.query(`INSERT INTO "Person" (id, "lastName", "firstName", "middleName", "birthDate", gender, phone, email, snils, "lastNameKey", "identityKey", "updatedAt")
        SELECT * , now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::"Gender"[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
      [fresh.map((x) => x.id), fresh.map((x) => x.r.lastName), fresh.map((x) => x.r.firstName), fresh.map((x) => x.r.middleName), fresh.map((x) => x.r.birthDate),
        fresh.map((x) => x.r.gender), fresh.map((x) => x.r.phone), fresh.map((x) => x.r.email), fresh.map((x) => x.r.snils), fresh.map((x) => nameKey(x.r.lastName)), fresh.map((x) => x.r.identityKey)]);
    }
    const memberIds = part.map(() => crypto.randomUUID());
    await c.query(`INSERT INTO "Member" (id, "personId", "organisationId", category, "joinedAt", "externalId", "updatedAt")
      SELECT m, p, $3::uuid, cat, j, e, now() FROM unnest($1::uuid[], $2::uuid[], $4::"Category"[], $5::date[], $6::text[]) AS t(m, p, cat, j, e)`,
    [memberIds, personIds, job.organisationId, part.map((r) => r.category), part.map((r) => r.joinedAt), part.map((r) => r.externalId)]);
    await c.query(`INSERT INTO "Registration" (id, "memberId", "organisationId", category, "validFrom", "startKind")
      SELECT gen_random_uuid(), m, $2::uuid, cat, j, 'JOINED' FROM unnest($1::uuid[], $3::"Category"[], $4::date[]) AS t(m, cat, j)`,
    [memberIds, job.organisationId, part.map((r) => r.category), part.map((r) => r.joinedAt)]);
    await c.query(`INSERT INTO "Movement" (id, "memberId", kind, date, "organisationId", note, "createdById")
      SELECT gen_random_uuid(), m, 'JOINED', j, $2::uuid, 'Импорт', $4::uuid FROM unnest($1::uuid[], $3::date[]) AS t(m, j)`,
    [memberIds, job.organisationId, part.map((r) => r.joinedAt), userId]);
    // Consent (1) for every new member: a plain insert for new persons; a returning person may still hold one.
    const reused = part.map((r, k) => ({ r, id: personIds[k] })).filter((x) => x.r.personId);
    await c.query(`INSERT INTO "Consent" (id, "personId", kind, "givenAt", "textVersion")
      SELECT gen_random_uuid(), p, 'PROCESSING', least(j, $3::date), $4 FROM unnest($1::uuid[], $2::date[]) AS t(p, j)`,
    [fresh.map((x) => x.id), fresh.map((x) => x.r.joinedAt), t, CONSENT_TEXT_VERSION]);
    if (reused.length) {
      await c.query(`INSERT INTO "Consent" (id, "personId", kind, "givenAt", "textVersion")
        SELECT gen_random_uuid(), p, 'PROCESSING', least(j, $3::date), $4 FROM unnest($1::uuid[], $2::date[]) AS t(p, j)
        WHERE NOT EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = t.p AND k.kind = 'PROCESSING' AND k."withdrawnAt" IS NULL)`,
      [reused.map((x) => x.id), reused.map((x) => x.r.joinedAt), t, CONSENT_TEXT_VERSION]);
    }
    memberIds.forEach((m) => changes.push({ memberId: m, kind: 'CREATED', before: null, versionAfter: 1 }));
    await progress(0.4 + 0.4 * ((i + part.length) / Math.max(1, plan.create.length)));
  }
  for (let i = 0; i < plan.update.length; i += CH) {
    const part = plan.update.slice(i, i + CH);
    await c.query(`UPDATE "Person" p SET "lastName" = t.ln, "firstName" = t.fn, "middleName" = t.mn, "birthDate" = t.bd, gender = coalesce(t.g, p.gender),
        phone = coalesce(t.ph, p.phone), email = coalesce(t.em, p.email), snils = coalesce(t.sn, p.snils), "lastNameKey" = t.lk, "identityKey" = t.ik, version = p.version + 1, "updatedAt" = now()
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::"Gender"[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) AS t(id, ln, fn, mn, bd, g, ph, em, sn, lk, ik)
      WHERE p.id = t.id`,
    [part.map((u) => u.personId), part.map((u) => u.row.lastName), part.map((u) => u.row.firstName), part.map((u) => u.row.middleName), part.map((u) => u.row.birthDate),
      part.map((u) => u.row.gender), part.map((u) => u.row.phone), part.map((u) => u.row.email), part.map((u) => u.row.snils), part.map((u) => nameKey(u.row.lastName)), part.map((u) => u.row.identityKey)]);
    const r = await c.query(`UPDATE "Member" m SET "externalId" = coalesce(t.e, m."externalId"), category = t.cat, version = m.version + 1, "updatedAt" = now()
      FROM unnest($1::uuid[], $2::int[], $3::text[], $4::"Category"[]) AS t(id, v, e, cat) WHERE m.id = t.id AND m.version = t.v RETURNING m.id`,
    [part.map((u) => u.memberId), part.map((u) => u.version), part.map((u) => u.row.externalId), part.map((u) => (u.categoryChanged ? u.row.category : u.before.category))]);
    if (r.rowCount !== part.length) throw new AppError('STALE_VERSION', 'Пока шёл импорт, часть записей изменили: запустите его ещё раз');
    // A category change splits the registration period on the import's date.
    const cat = part.filter((u) => u.categoryChanged);
    if (cat.length) await splitCategory(c, cat.map((u) => u.memberId), cat.map((u) => u.row.category), t);
    part.forEach((u) => changes.push({ memberId: u.memberId, kind: 'UPDATED', before: { ...u.before, categoryChanged: u.categoryChanged }, versionAfter: u.version + 1 }));
  }
  if (plan.exit.length) {
    const date = job.exitDate ?? t;
    const reason = job.exitReason ?? 'EXIT_GRADUATED';
    const ids = plan.exit.map((e) => e.memberId);
    const bad = await registeredAfter(c, ids, date);
    if (bad > 0) throw new AppError('BAD_REQUEST', `Дата выбытия раньше постановки на учёт у ${bad} человек`, { exitDate: 'Дата выбытия раньше постановки на учёт' });
    const { ids: exited, blocked } = await exitMembers(c, { ids, versions: plan.exit.map((e) => e.version), reason, date, userId, note: 'Импорт: нет в списке' });
    if (exited.length !== ids.length) throw new AppError('STALE_VERSION', 'Пока шёл импорт, часть записей изменили: запустите его ещё раз');
    const cardsBy = new Map<string, { id: string; status: string }[]>();
    for (const x of blocked) cardsBy.set(x.memberId, [...(cardsBy.get(x.memberId) ?? []), { id: x.id, status: x.status }]);
    plan.exit.forEach((e) => changes.push({ memberId: e.memberId, kind: 'EXITED', before: { cards: cardsBy.get(e.memberId) ?? [] }, versionAfter: e.version + 1 }));
  }
  for (let i = 0; i < changes.length; i += 20000) {
    const part = changes.slice(i, i + 20000);
    await c.query(`INSERT INTO "ImportChange" ("importId", "memberId", kind, before, "versionAfter")
      SELECT $1::uuid, m, k::"ImportChangeKind", b, v FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::int[]) AS t(m, k, b, v)`,
    [job.id, part.map((x) => x.memberId), part.map((x) => x.kind), part.map((x) => (x.before === null ? null : JSON.stringify(x.before))), part.map((x) => x.versionAfter)]);
  }
  await c.query(`INSERT INTO "AuditLog" ("userId", action, entity, "entityId", "organisationId", "rowCount", outcome, details) VALUES ($1, 'import.run', 'ImportJob', $2, $3, $4, 'OK', $5)`,
    [userId, job.id, job.organisationId, changes.length, JSON.stringify({ created: plan.create.length, updated: plan.update.length, exited: plan.exit.length })]);
}

export function resultOf(plan: Plan) {
  plan.rejected.sort((a, b) => a.row - b.row);
  return { created: plan.create.length, updated: plan.update.length, exited: plan.exit.length, unchanged: plan.unchanged, rejected: plan.rejected, headers: plan.headers ?? [] };
}

/**
 * Runs an import job: parse, plan, write, all in ONE transaction. A failure or a killed process leaves nothing
 * behind; running the same file again finds nothing to change.
 */
export async function runImport(jobId: string): Promise<void> {
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
    const plan = await buildPlan(org, job.mode, table, m.columns, { category: m.category ?? 'WORKING', joinedAt: m.joinedAt ?? today() });
    await setProgress(job.id, 0.4);
    await withTransaction((c) => applyPlan(c, { id: job.id, organisationId: org.id, exitReason: job.exitReason, exitDate: job.exitDate ? job.exitDate.toISOString().slice(0, 10) : null }, plan, job.userId, (p) => setProgress(job.id, p)));
    await updateImportJob(job.id, { status: 'DONE', progress: 1, finishedAt: new Date(), result: resultOf(plan), file: null });
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
  if (job.finishedAt && Date.now() - job.finishedAt.getTime() > 30 * 86_400_000) throw new AppError('UNPROCESSABLE', 'Импорт старше 30 дней: отмена невозможна');
  const changes = await changesOf(job.id);
  const skipped: { memberId: string; reason: string }[] = [];
  let reversed = 0;
  await withTransaction(async (c) => {
    for (const ch of changes) {
      const cur = await c.query('SELECT version, status::text FROM "Member" WHERE id = $1 FOR UPDATE', [ch.memberId]);
      if (!cur.rowCount || cur.rows[0].version !== ch.versionAfter) { skipped.push({ memberId: ch.memberId, reason: 'изменён после импорта' }); continue; }
      if (ch.kind === 'CREATED') {
        const cards = await c.query('SELECT 1 FROM "Card" WHERE "memberId" = $1', [ch.memberId]);
        if (cards.rowCount) { skipped.push({ memberId: ch.memberId, reason: 'уже заказан билет' }); continue; }
        const p = await c.query('SELECT "personId" FROM "Member" WHERE id = $1', [ch.memberId]);
        await c.query('DELETE FROM "Movement" WHERE "memberId" = $1', [ch.memberId]);
        await c.query('DELETE FROM "Registration" WHERE "memberId" = $1', [ch.memberId]);
        await c.query('DELETE FROM "ImportChange" WHERE "memberId" = $1 AND "importId" = $2', [ch.memberId, job.id]);
        await c.query('DELETE FROM "Member" WHERE id = $1', [ch.memberId]);
        const personId = p.rows[0].personId;
        const others = await c.query('SELECT 1 FROM "Member" WHERE "personId" = $1 UNION ALL SELECT 1 FROM "Position" WHERE "personId" = $1', [personId]);
        if (!others.rowCount) { await c.query('DELETE FROM "Consent" WHERE "personId" = $1', [personId]); await c.query('DELETE FROM "Person" WHERE id = $1', [personId]); }
      } else if (ch.kind === 'EXITED') {
        const before = ch.before as { cards: { id: string; status: string }[] };
        await c.query(`UPDATE "Registration" SET "validTo" = NULL, "endKind" = NULL WHERE id = (SELECT id FROM "Registration" WHERE "memberId" = $1 ORDER BY "validFrom" DESC LIMIT 1)`, [ch.memberId]);
        await c.query(`DELETE FROM "Movement" WHERE id = (SELECT id FROM "Movement" WHERE "memberId" = $1 AND note = 'Импорт: нет в списке' ORDER BY "createdAt" DESC LIMIT 1)`, [ch.memberId]);
        await c.query(`UPDATE "Member" SET status = 'ACTIVE', "exitedAt" = NULL, "exitKind" = NULL, "exitNote" = NULL, version = version + 1 WHERE id = $1`, [ch.memberId]);
        for (const card of before.cards) {
          await c.query(`UPDATE "Card" SET status = $2::"CardStatus", "blockedAt" = NULL, "blockReason" = NULL WHERE id = $1`, [card.id, card.status]);
          await c.query(`INSERT INTO "CardEvent" (id, "cardId", status, date, note, "userId") VALUES (gen_random_uuid(), $1, $2::"CardStatus", $3::date, 'Отмена импорта', $4)`, [card.id, card.status, today(), actor.userId]);
        }
      } else {
        const b = ch.before as unknown as Existing & { categoryChanged: boolean };
        if (b.categoryChanged) { skipped.push({ memberId: ch.memberId, reason: 'смена категории не отменяется автоматически' }); continue; }
        await c.query(`UPDATE "Person" SET "lastName" = $2, "firstName" = $3, "middleName" = $4, "birthDate" = $5::date, gender = $6::"Gender", phone = $7, email = $8, snils = $9,
          "lastNameKey" = $10, "identityKey" = $11, version = version + 1 WHERE id = $1`,
        [b.personId, b.lastName, b.firstName, b.middleName, b.birthDate, b.gender, b.phone, b.email, b.snils, nameKey(b.lastName), b.identityKey]);
        await c.query(`UPDATE "Member" SET "externalId" = $2, version = version + 1 WHERE id = $1`, [ch.memberId, b.externalId]);
      }
      reversed += 1;
    }
    await c.query(`UPDATE "ImportJob" SET status = 'UNDONE', result = coalesce(result, '{}'::jsonb) || jsonb_build_object('undo', $2::jsonb) WHERE id = $1`, [job.id, JSON.stringify({ reversed, skipped })]);
  });
  await audit(actor, { action: 'import.undone', entity: 'ImportJob', entityId: job.id, organisationId: job.organisationId, rowCount: reversed, details: { skipped: skipped.length } });
  return { reversed, skipped };
}
