/**
 * The audit log partitioned by month (issue 12): rows land in their month's partition, the append-only rule holds on
 * the parent and on every partition, months older than the period the central office sets are dropped whole (and
 * the drop is audited), and "whose records did this account read" answers from the account's rows of the year.
 */
import { buildMember } from '../../src/seed/builders.repo';
import { db, sqlPool } from '../../src/db';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import {
  auditPartitions,
  dropExpiredAuditPartitions,
  ensureAuditPartitions,
  keptFrom,
} from '../../src/modules/audit/partitions.repo';
import { readsOf } from '../../src/modules/audit/reads.repo';
import { buildTree, loginAs, postForm, useDb, userWith, type Tree } from '../helpers';

useDb();

let t: Tree;
let admin: Awaited<ReturnType<typeof loginAs>>;
beforeAll(async () => {
  t = await buildTree();
  admin = await loginAs((await userWith('ADMIN', t.central)).login);
});

const q = (sql: string, params: unknown[] = []) => sqlPool().query(sql, params);
const monthStart = (monthsBack: number) => {
  const n = new Date();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - monthsBack, 1));
};
const iso = (d: Date) => d.toISOString().slice(0, 10);

describe('the partitioned audit log', () => {
  it('is partitioned by month, with the current month and the next ones made ahead', async () => {
    const kind = await q(`SELECT partstrat FROM pg_partitioned_table WHERE partrelid = '"AuditLog"'::regclass`);
    expect(kind.rows).toEqual([{ partstrat: 'r' }]);
    await ensureAuditPartitions();
    const names = (await auditPartitions()).map((p) => p.name);
    for (let k = 0; k >= -3; k--) {
      const m = monthStart(k);
      expect(names).toContain(`AuditLog_p${m.getUTCFullYear()}${String(m.getUTCMonth() + 1).padStart(2, '0')}`);
    }
    const row = await db().auditLog.create({ data: { action: 'logout' } });
    const where = await q(`SELECT tableoid::regclass::text AS p FROM "AuditLog" WHERE id = $1`, [row.id]);
    expect(where.rows[0].p).toMatch(/^"AuditLog_p\d{6}"$/);
  });

  it('stays append-only on the parent and on each partition', async () => {
    const [row] = (
      await q(
        `INSERT INTO "AuditLog" (action, outcome) VALUES ('login', 'OK') RETURNING id, tableoid::regclass::text AS p`,
      )
    ).rows as { id: string; p: string }[];
    await expect(q(`UPDATE "AuditLog" SET outcome = 'DENIED' WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(q(`DELETE FROM "AuditLog" WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(q(`UPDATE ${row.p} SET outcome = 'DENIED' WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(q(`DELETE FROM ${row.p} WHERE id = $1`, [row.id])).rejects.toThrow(/append-only/);
    await expect(q(`TRUNCATE ${row.p}`)).rejects.toThrow(/append-only/);
    await expect(q(`TRUNCATE "AuditLog"`)).rejects.toThrow(/append-only/);
    expect((await q(`SELECT outcome FROM "AuditLog" WHERE id = $1`, [row.id])).rows).toEqual([{ outcome: 'OK' }]);
  });

  it('drops whole months older than the period set by the central office, and audits each drop', async () => {
    // Two old months with rows, and one just inside a 12-month period.
    const old1 = monthStart(30);
    const old2 = monthStart(14);
    const kept = monthStart(11);
    for (const m of [old1, old2, kept]) {
      await q(`SELECT audit_log_partition($1::date)`, [iso(m)]);
      await q(
        `INSERT INTO "AuditLog" (at, action) SELECT $1::timestamp + make_interval(hours => g), 'login' FROM generate_series(1, 5) g`,
        [iso(m)],
      );
    }
    // The period is set on the page (validated, kept as typed when wrong), then the old months go.
    const bad = await postForm(admin, '/retention/audit', '/retention/audit', { months: '6' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('не меньше 12 месяцев');
    expect(bad.text).toContain('value="6"');
    const ok = await postForm(admin, '/retention/audit', '/retention/audit', { months: '12' });
    expect(ok.status).toBe(303);
    expect(await db().auditLog.count({ where: { action: 'audit.retention' } })).toBe(1);

    const dropped = await dropExpiredAuditPartitions(SYSTEM_ACTOR);
    const name = (m: Date) => `AuditLog_p${m.getUTCFullYear()}${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(dropped.map((p) => [p.name, p.rows])).toEqual([
      [name(old1), 5],
      [name(old2), 5],
    ]);
    const left = (await auditPartitions()).map((p) => p.name);
    expect(left).not.toContain(name(old1));
    expect(left).toContain(name(kept));
    expect(keptFrom(new Date(), 12).getTime()).toBe(monthStart(11).getTime());
    const logged = await db().auditLog.findMany({
      where: { action: 'audit.partition.dropped' },
      orderBy: { id: 'asc' },
    });
    expect(logged.map((l) => [(l.details as { partition: string }).partition, l.rowCount])).toEqual([
      [name(old1), 5],
      [name(old2), 5],
    ]);
    expect(await db().auditLog.count({ where: { at: { gte: kept }, action: 'login' } })).toBeGreaterThanOrEqual(5);
    await postForm(admin, '/retention/audit', '/retention/audit', { months: '36' });
  });

  it('answers whose records an account read over a year, newest first, naming the members', async () => {
    const reader = await userWith('CHAIR', t.regionA);
    const a = await buildMember({ org: t.primA1, lastName: 'Прочитанная', firstName: 'Анна', middleName: 'Ивановна' });
    const b = await buildMember({ org: t.primA2, lastName: 'Прочитанный', firstName: 'Борис', middleName: 'Ильич' });
    const card = await db().card.create({
      data: { number: `99${String(Date.now()).slice(-14)}`, memberId: b.memberId, form: 'PLASTIC', status: 'ORDERED' },
    });
    const m5 = monthStart(5);
    const m13 = monthStart(13);
    for (const m of [m5, m13]) await q(`SELECT audit_log_partition($1::date)`, [iso(m)]);
    const put = (
      at: Date,
      action: string,
      entity: string | null,
      entityId: string | null,
      org: string | null,
      n?: number,
    ) =>
      q(
        `INSERT INTO "AuditLog" (at, "userId", action, entity, "entityId", "organisationId", "rowCount") VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [at, reader.id, action, entity, entityId, org, n ?? null],
      );
    await put(new Date(m13.getTime() + 3600e3), 'member.viewed', 'Member', a.memberId, null); // more than a year ago
    await put(new Date(m5.getTime() + 3600e3), 'member.viewed', 'Member', a.memberId, null);
    await put(new Date(m5.getTime() + 7200e3), 'card.viewed', 'Card', card.id, null);
    await put(new Date(), 'member.listed', 'Organisation', t.primA1.id, t.primA1.id, 12);
    await put(new Date(), 'login', null, null, null); // not a read
    const to = new Date(Date.now() + 86400e3);
    const from = new Date(to);
    from.setUTCFullYear(from.getUTCFullYear() - 1);
    const r = await readsOf(reader.id, { from, to, page: 1, pageSize: 50 });
    expect(r.total).toBe(3);
    expect(r.records).toBe(2);
    expect(r.rows.map((x) => [x.action, x.person, x.rowCount])).toEqual([
      ['member.listed', '', 12],
      ['card.viewed', 'Прочитанный Борис Ильич', null],
      ['member.viewed', 'Прочитанная Анна Ивановна', null],
    ]);

    // The page: the central administrator only; the look-up is by login (not in the URL) and is itself audited.
    const look = await postForm(admin, '/retention/audit', '/retention/audit/reads', { login: reader.login });
    expect(look.status).toBe(303);
    expect(look.headers.location).toBe(`/users/${reader.id}/reads`);
    const page = await admin.get(`/users/${reader.id}/reads`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('Прочитанная Анна Ивановна');
    expect(page.text).toContain('Просмотров: <strong>3</strong>');
    expect(await db().auditLog.count({ where: { action: 'audit.reads', entityId: reader.id } })).toBe(1);
    const missing = await postForm(admin, '/retention/audit', '/retention/audit/reads', { login: 'нет-такого' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('value="нет-такого"');
    const chair = await loginAs((await userWith('CHAIR', t.central)).login);
    expect((await chair.get(`/users/${reader.id}/reads`)).status).toBe(403);
    expect((await chair.get('/retention/audit')).status).toBe(403);
  });
});
