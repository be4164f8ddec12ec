import { api, buildTree, postForm, loginAs, useDb, type Tree } from '../helpers';
import { buildMember, type MemberSpec } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { authOf, expectStatus, live, userAt } from './support';

useDb();

/**
 * A computed cell of 5СП equals a count made directly in the registry's tables with SQL written here,
 * around the reporting date: joins, exits, transfers and category changes the day before, on and after it.
 */
const D = '2025-06-01';
const BEFORE = '2025-05-31';
const AFTER = '2025-06-02';

type Counts = Record<string, number>;

/** The registry counted directly for a primary organisation's subtree (itself and its профбюро/профгруппы). */
async function directCount(prefix: string, asOf: string): Promise<Counts> {
  const [m] = await db().$queryRaw<Record<string, bigint>[]>`
    SELECT
      count(*) FILTER (WHERE r.category = 'WORKING') AS "02",
      count(*) FILTER (WHERE r.category = 'STUDENT') AS "07",
      count(*) FILTER (WHERE r.category = 'PENSIONER') AS "09",
      count(*) AS "10",
      count(*) FILTER (WHERE p.gender = 'FEMALE') AS "11",
      count(*) FILTER (WHERE date_part('year', age(${asOf}::date, p."birthDate")) < 35) AS "12",
      count(*) FILTER (WHERE r.category = 'WORKING' AND p.gender = 'FEMALE') AS "04",
      count(*) FILTER (WHERE r.category = 'WORKING' AND date_part('year', age(${asOf}::date, p."birthDate")) < 35) AS "05"
    FROM "Registration" r
    JOIN "Organisation" o ON o.id = r."organisationId"
    JOIN "Member" mm ON mm.id = r."memberId"
    JOIN "Person" p ON p.id = mm."personId"
    WHERE o.path LIKE ${prefix} || '%'
      AND r."validFrom" <= ${asOf}::date
      AND coalesce(r."validTo", 'infinity'::date) > ${asOf}::date`;
  const [v] = await db().$queryRaw<Record<string, bigint>[]>`
    SELECT
      count(*) FILTER (WHERE v.kind = 'JOINED') AS "20",
      count(*) FILTER (WHERE v.kind IN ('EXIT_VOLUNTARY', 'EXIT_EXCLUDED', 'EXIT_DISMISSED', 'EXIT_GRADUATED', 'EXIT_DIED')) AS "21",
      count(*) FILTER (WHERE v.kind = 'EXIT_VOLUNTARY') AS "22",
      count(*) FILTER (WHERE v.kind = 'EXIT_EXCLUDED') AS "23",
      count(*) FILTER (WHERE v.kind = 'EXIT_DISMISSED') AS "24",
      count(*) FILTER (WHERE v.kind = 'EXIT_GRADUATED') AS "25",
      count(*) FILTER (WHERE v.kind = 'EXIT_DIED') AS "26",
      count(*) FILTER (WHERE v.kind = 'TRANSFER_IN' AND other.path NOT LIKE ${prefix} || '%') AS "27",
      count(*) FILTER (WHERE v.kind = 'TRANSFER_OUT' AND other.path NOT LIKE ${prefix} || '%') AS "28"
    FROM "Movement" v
    JOIN "Organisation" o ON o.id = v."organisationId"
    LEFT JOIN "Organisation" other ON other.id = v."otherOrganisationId"
    WHERE o.path LIKE ${prefix} || '%'
      AND v.date >= (${asOf}::date - interval '1 year') AND v.date < ${asOf}::date`;
  return Object.fromEntries(Object.entries({ ...m, ...v }).map(([k, x]) => [k, Number(x)]));
}

const ROWS = ['02', '04', '05', '07', '09', '10', '11', '12', '20', '21', '22', '23', '24', '25', '26', '27', '28'];

describe('5СП computed cells equal a direct count of the registry as of the date', () => {
  let t: Tree;
  let admin: string;
  const ids: Record<string, string> = {};
  let n = 0;

  /** A member with a distinct birth date (so the identity never collides) unless one is given. */
  async function member(name: string, spec: Partial<MemberSpec> & { org: { id: string } }) {
    n += 1;
    const r = await buildMember({
      gender: 'MALE',
      birthDate: new Date(Date.UTC(1970, 0, n)).toISOString().slice(0, 10),
      joinedAt: '2015-09-01',
      ...spec,
    });
    ids[name] = r.memberId;
    return r;
  }
  const exit = async (name: string, date: string, reason: string) =>
    expectStatus(
      await api().post(`/api/v1/members/${ids[name]}/exit`).set('Authorization', admin).send({ date, reason }),
      200,
    );
  const transfer = async (name: string, to: { id: string }, date: string) =>
    expectStatus(
      await api()
        .post(`/api/v1/members/${ids[name]}/transfer`)
        .set('Authorization', admin)
        .send({ toOrgId: to.id, date }),
      200,
    );

  beforeAll(async () => {
    await loadShippedTemplates();
    t = await buildTree();
    admin = await authOf(t.central);

    // Counted as of D, whatever else happens.
    await member('a1', { org: t.primA1, category: 'WORKING', gender: 'FEMALE', birthDate: '1980-03-03' });
    await member('a2', { org: t.primA1, category: 'WORKING', gender: 'MALE', birthDate: '1990-06-02' }); // 34 on D: youth
    await member('a3', { org: t.primA1, category: 'WORKING', gender: 'FEMALE', birthDate: '1990-06-01' }); // 35 on D: not youth
    await member('a4', { org: t.primA1, category: 'STUDENT', gender: 'FEMALE', birthDate: '2005-02-02' });
    await member('a5', { org: t.primA1, category: 'PENSIONER', gender: 'MALE', birthDate: '1950-01-01' });
    await member('b1', { org: t.buroA1, category: 'WORKING', gender: 'FEMALE', birthDate: '1985-01-01' }); // in the профбюро
    // Joined around D and around a year before D.
    await member('j1', { org: t.primA1, category: 'WORKING', joinedAt: '2024-06-01' });
    await member('j2', {
      org: t.primA1,
      category: 'WORKING',
      gender: 'FEMALE',
      birthDate: '1999-01-01',
      joinedAt: BEFORE,
    });
    await member('j3', { org: t.primA1, category: 'WORKING', joinedAt: D });
    await member('j4', { org: t.primA1, category: 'WORKING', joinedAt: AFTER });
    await member('j5', { org: t.primA1, category: 'WORKING', gender: 'FEMALE', joinedAt: '2024-05-31' });
    // Exits.
    for (const x of ['e1', 'e2', 'e3', 'e6', 'e7']) await member(x, { org: t.primA1, category: 'WORKING' });
    await member('e4', { org: t.primA1, category: 'STUDENT' });
    await member('e5', { org: t.primA1, category: 'PENSIONER' });
    await exit('e1', BEFORE, 'VOLUNTARY');
    await exit('e2', AFTER, 'EXCLUDED');
    await exit('e3', '2024-12-01', 'DISMISSED');
    await exit('e4', '2025-01-15', 'GRADUATED');
    await exit('e5', '2025-03-03', 'DIED');
    await exit('e6', '2024-05-31', 'DISMISSED');
    await exit('e7', '2024-06-01', 'EXCLUDED');
    // Transfers in and out of the primary organisation, and inside it (to its профбюро).
    for (const x of ['t1', 't2', 't5', 't7']) await member(x, { org: t.primA1, category: 'WORKING' });
    for (const x of ['t3', 't4']) await member(x, { org: t.primA2, category: 'WORKING' });
    await member('t6', { org: t.primB1, category: 'WORKING' });
    await transfer('t1', t.primA2, BEFORE);
    await transfer('t2', t.primA2, AFTER);
    await transfer('t3', t.primA1, BEFORE);
    await transfer('t4', t.primA1, AFTER);
    await transfer('t5', t.buroA1, '2025-03-01');
    await transfer('t6', t.primA1, '2025-02-01');
    await transfer('t7', t.primA3, '2024-09-09');
    // Category changes (through the member's page, which takes a date).
    await member('c1', { org: t.primA1, category: 'WORKING' });
    await member('c2', { org: t.primA1, category: 'WORKING' });
    await member('c3', { org: t.primA1, category: 'STUDENT' });
    const agent = await loginAs((await userAt(t.central)).login);
    for (const [name, category, date] of [
      ['c1', 'PENSIONER', BEFORE],
      ['c2', 'PENSIONER', AFTER],
      ['c3', 'WORKING', '2025-01-10'],
    ] as const) {
      const m = await db().member.findUniqueOrThrow({ where: { id: ids[name] } });
      const res = await postForm(agent, `/members/${m.id}`, `/members/${m.id}/category`, {
        category,
        date,
        version: String(m.version),
      });
      expect(res.status).toBe(303);
    }
  });

  it('the test data exercises every boundary (the direct count gives the figures worked out by hand)', async () => {
    const c = await directCount(t.primA1.path, D);
    expect(c).toEqual({
      '02': 15,
      '04': 5,
      '05': 2,
      '07': 1,
      '09': 2,
      '10': 18,
      '11': 6,
      '12': 3,
      '20': 2,
      '21': 5,
      '22': 1,
      '23': 1,
      '24': 1,
      '25': 1,
      '26': 1,
      '27': 2,
      '28': 2,
    });
  });

  it.each(ROWS)('row %s of GET /api/v1/orgs/:primary/reports/5SP?asOf= equals the direct count', async (row) => {
    const c = await directCount(t.primA1.path, D);
    const { v } = await live(t.primA1, '5SP', D, await authOf(t.primA1));
    expect(v[row]).toBe(c[row]);
  });

  it('the day before and the day after D give their own figures, again equal to the direct count', async () => {
    const auth = await authOf(t.primA1);
    for (const day of [BEFORE, AFTER]) {
      const c = await directCount(t.primA1.path, day);
      const { v } = await live(t.primA1, '5SP', day, auth);
      expect(Object.fromEntries(ROWS.map((r) => [r, v[r]]))).toEqual(Object.fromEntries(ROWS.map((r) => [r, c[r]])));
    }
    // Sanity: the two days differ from D where the movements fall.
    expect((await directCount(t.primA1.path, BEFORE))['10']).not.toBe((await directCount(t.primA1.path, AFTER))['10']);
  });

  it("the other side of each transfer counts it too: the sibling primary's 5SP as of D", async () => {
    const c = await directCount(t.primA2.path, D);
    const { v } = await live(t.primA2, '5SP', D, await authOf(t.primA2));
    expect(c['27']).toBe(1); // t1
    expect(c['28']).toBe(1); // t3
    for (const r of ROWS) expect([r, v[r]]).toEqual([r, c[r]]);
  });

  it('counts the first day of the year before the date as "admitted in the year" in a leap year too (as of 01.01.2025 → from 01.01.2024)', async () => {
    const day = '2025-01-01';
    const base = await directCount(t.primA3.path, day);
    await member('l1', { org: t.primA3, category: 'WORKING', joinedAt: '2024-01-01' }); // first day of the year: counts
    await member('l2', { org: t.primA3, category: 'WORKING', joinedAt: '2023-12-31' }); // the year before: does not
    await member('l3', { org: t.primA3, category: 'WORKING' });
    await exit('l3', '2024-01-01', 'VOLUNTARY');
    const c = await directCount(t.primA3.path, day);
    expect(c['20'] - base['20']).toBe(1);
    expect(c['22'] - base['22']).toBe(1);
    const { v } = await live(t.primA3, '5SP', day, await authOf(t.primA3));
    expect({ admitted: v['20'], exits: v['21'], voluntary: v['22'] }).toEqual({
      admitted: c['20'],
      exits: c['21'],
      voluntary: c['22'],
    });
  });
});
