import pg from 'pg';
import { buildTree, useDb, type Tree } from '../helpers';
import { buildMember } from '../../src/seed/builders.repo';

useDb();

/**
 * Two transactions changing the same member at once: the copies on Registration (card periods, gender and birth
 * date) must come out as if they had run one after the other. The second writer waits for the first (a lock on
 * the member row) and then reads what it committed.
 */
describe('copies on registrations under concurrent changes of one member', () => {
  let t: Tree;
  let a: pg.Client;
  let b: pg.Client;
  beforeAll(async () => {
    t = await buildTree();
    a = new pg.Client({ connectionString: process.env.DATABASE_URL });
    b = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await a.connect();
    await b.connect();
  });
  afterAll(async () => {
    await a.end();
    await b.end();
  });

  let seq = 0;
  const number = () => `98${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(6, '0')}`;
  /** The transfer as the application writes it: the member row, the old period closed, a new one opened. */
  const transfer = async (c: pg.Client, memberId: string, to: string) => {
    await c.query(`UPDATE "Member" SET "organisationId" = $2, version = version + 1 WHERE id = $1`, [memberId, to]);
    await c.query(
      `UPDATE "Registration" SET "validTo" = '2025-06-01', "endKind" = 'TRANSFER_OUT' WHERE "memberId" = $1 AND "validTo" IS NULL`,
      [memberId],
    );
    await c.query(
      `INSERT INTO "Registration" ("memberId", "organisationId", category, "validFrom", "startKind") VALUES ($1, $2, 'WORKING', '2025-06-01', 'TRANSFER_IN')`,
      [memberId, to],
    );
  };
  const issueCard = (c: pg.Client, memberId: string) =>
    c.query(
      `INSERT INTO "Card" (number, "memberId", form, status, "issuedAt", "updatedAt") VALUES ($1, $2, 'VIRTUAL', 'ISSUED', '2025-01-01', now())`,
      [number(), memberId],
    );
  const copies = async (memberId: string) =>
    (
      await a.query(
        `SELECT "validFrom"::text AS "from", "cardPlastic"::text AS plastic, "cardVirtual"::text AS virtual, gender::text FROM "Registration" WHERE "memberId" = $1 ORDER BY "validFrom"`,
        [memberId],
      )
    ).rows;
  /** Whether the promise is still pending after a while (the other transaction waits for the lock). */
  const pending = async (p: Promise<unknown>) =>
    Promise.race([p.then(() => false), new Promise((r) => setTimeout(() => r(true), 300))]);

  it('a card issued while the member is being transferred reaches the new registration too', async () => {
    const m = await buildMember({ org: t.primA1, joinedAt: '2020-01-01', gender: 'MALE' });
    await a.query('BEGIN');
    await transfer(a, m.memberId, t.primA2.id);
    const card = issueCard(b, m.memberId);
    expect(await pending(card)).toBe(true);
    await a.query('COMMIT');
    await card;
    expect(await copies(m.memberId)).toEqual([
      { from: '2020-01-01', plastic: null, virtual: '{[2025-01-01,)}', gender: 'MALE' },
      { from: '2025-06-01', plastic: null, virtual: '{[2025-01-01,)}', gender: 'MALE' },
    ]);
  });

  it('a transfer made while a card is being issued copies that card once it is committed', async () => {
    const m = await buildMember({ org: t.primA1, joinedAt: '2020-01-01' });
    await b.query('BEGIN');
    await issueCard(b, m.memberId);
    const moved = transfer(a, m.memberId, t.primA3.id);
    expect(await pending(moved)).toBe(true);
    await b.query('COMMIT');
    await moved;
    expect((await copies(m.memberId)).map((r) => r.virtual)).toEqual(['{[2025-01-01,)}', '{[2025-01-01,)}']);
  });

  it('a birth date and gender corrected while the member is being transferred reach the new registration', async () => {
    const m = await buildMember({ org: t.primB1, joinedAt: '2020-01-01', gender: 'MALE' });
    await a.query('BEGIN');
    await transfer(a, m.memberId, t.primA2.id);
    const fix = b.query(`UPDATE "Person" SET gender = 'FEMALE' WHERE id = $1`, [m.personId]);
    expect(await pending(fix)).toBe(true);
    await a.query('COMMIT');
    await fix;
    expect((await copies(m.memberId)).map((r) => r.gender)).toEqual(['FEMALE', 'FEMALE']);
  });

  it("a position written while its holder's gender is being corrected takes the corrected value", async () => {
    const m = await buildMember({ org: t.primA3, joinedAt: '2020-01-01', gender: 'MALE' });
    await a.query('BEGIN');
    await a.query(`UPDATE "Person" SET gender = 'FEMALE' WHERE id = $1`, [m.personId]);
    const pos = b.query(
      `INSERT INTO "Position" ("personId", "organisationId", kind, "startDate") VALUES ($1, $2, 'CHAIR', '2024-01-01') RETURNING id`,
      [m.personId, t.primA3.id],
    );
    expect(await pending(pos)).toBe(true);
    await a.query('COMMIT');
    const id = (await pos).rows[0].id;
    expect((await a.query(`SELECT gender::text FROM "Position" WHERE id = $1`, [id])).rows).toEqual([
      { gender: 'FEMALE' },
    ]);
  });

  it('a status change of cards (a batch in production) does not wait for the members: their periods cannot change', async () => {
    const m = await buildMember({ org: t.primA1, joinedAt: '2020-01-01' });
    const card = await b.query(
      `INSERT INTO "Card" (number, "memberId", form, status, "updatedAt") VALUES ($1, $2, 'PLASTIC', 'ORDERED', now()) RETURNING id`,
      [number(), m.memberId],
    );
    await a.query('BEGIN');
    await a.query(`UPDATE "Member" SET version = version + 1 WHERE id = $1`, [m.memberId]);
    const status = b.query(`UPDATE "Card" SET status = 'IN_PRODUCTION' WHERE id = $1`, [card.rows[0].id]);
    expect(await pending(status)).toBe(false);
    await a.query('COMMIT');
    // Issuing it does change the period: that waits for the member, then the copy has it.
    await a.query('BEGIN');
    await a.query(`UPDATE "Member" SET version = version + 1 WHERE id = $1`, [m.memberId]);
    const issue = b.query(`UPDATE "Card" SET status = 'ISSUED', "issuedAt" = '2025-03-03' WHERE id = $1`, [
      card.rows[0].id,
    ]);
    expect(await pending(issue)).toBe(true);
    await a.query('COMMIT');
    await issue;
    expect((await copies(m.memberId)).map((r) => r.plastic)).toEqual(['{[2025-03-03,)}']);
  });

  it('emptying the card table empties the copies', async () => {
    const m = await buildMember({ org: t.primB1, joinedAt: '2020-01-01' });
    await issueCard(a, m.memberId);
    expect((await copies(m.memberId))[0].virtual).toBe('{[2025-01-01,)}');
    await a.query('TRUNCATE "Card" CASCADE');
    expect(
      (
        await a.query(
          `SELECT count(*)::int AS n FROM "Registration" WHERE "cardPlastic" IS NOT NULL OR "cardVirtual" IS NOT NULL`,
        )
      ).rows,
    ).toEqual([{ n: 0 }]);
  });
});
