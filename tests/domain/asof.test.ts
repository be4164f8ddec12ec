/**
 * Counts as of a date: a registration period [validFrom, validTo) counts on every day D with
 * validFrom <= D < validTo. Checked through the services that write periods (createMember, exitMember,
 * transferMember, changeCategory) and the API that reads them (summary and the members list), against
 * a direct SQL count of "Registration"; and the "one person counted once" rule held by the database itself.
 */
import { api, bearer, buildTree, useDb, userWith, type Tree } from '../helpers';
import { db } from '../../src/db';
import { Prisma, type Category } from '../../src/generated/prisma/client';
import { AppError } from '../../src/http/errors';
import { addDays, toDate, today } from '../../src/lib/dates';
import { identityKey, nameKey } from '../../src/lib/names';
import { loadActor } from '../../src/modules/auth/auth.repo';
import { loadMember } from '../../src/modules/members/members.repo';
import { changeCategory, createMember } from '../../src/modules/members/members.service';
import { exitMember, transferMember } from '../../src/modules/members/movements.service';
import type { Actor } from '../../src/policy/actor';
import { buildMember, buildMembers, buildOrg, type BuiltOrg, type MemberSpec } from '../../src/seed/builders.repo';

useDb();

const D = '2024-03-15';
const BEFORE = addDays(D, -1); // 2024-03-14

interface World {
  t: Tree;
  auth: string;
  actor: Actor;
}

/** A tree of its own, and a chair of its central council (API token and service actor). */
async function world(): Promise<World> {
  const t = await buildTree();
  const chair = await userWith('CHAIR', t.central);
  const actor = await loadActor(chair.id, 'token');
  if (!actor) throw new Error('no actor');
  return { t, auth: await bearer(chair.id), actor };
}

let seq = 0;
/** A distinct Russian surname for each person, so that no two test persons share an identity. */
function surname(): string {
  const letters = 'абвгдежзиклмнопрстуфхцчшэюя';
  let n = seq++;
  let s = '';
  do {
    s += letters[n % letters.length];
    n = Math.floor(n / letters.length);
  } while (n > 0);
  return `Учётова${s}`;
}

const orgRow = (org: { id: string }) => db().organisation.findUniqueOrThrow({ where: { id: org.id } });
const fresh = (id: string) => loadMember(db(), id);

async function join(w: World, org: BuiltOrg, joinedAt: string, category: Category = 'WORKING') {
  return createMember(w.actor, await orgRow(org), {
    lastName: surname(),
    firstName: 'Анна',
    middleName: 'Ивановна',
    birthDate: '1980-01-01',
    category,
    joinedAt,
    consents: { processing: true },
  });
}

interface Counts {
  WORKING: number;
  STUDENT: number;
  PENSIONER: number;
  total: number;
}
interface SummaryRow {
  id: string;
  kind: string;
  members: Counts;
  primaryOrgs: number;
  primaryOrgsWithoutMembers: number;
}
interface Summary {
  asOf: string;
  members: Counts;
  primaryOrgs: number;
  primaryOrgsWithoutMembers: number;
  children: SummaryRow[];
}

async function summary(w: World, org: BuiltOrg, asOf: string): Promise<Summary> {
  const res = await api().get(`/api/v1/orgs/${org.id}/summary`).query({ asOf }).set('Authorization', w.auth);
  expect(res.status).toBe(200);
  expect(res.body.asOf).toBe(asOf);
  return res.body;
}

interface ListItem {
  id: string;
  organisationId: string;
  category: Category;
}
async function list(
  w: World,
  org: BuiltOrg,
  asOf: string,
  extra: Record<string, string> = {},
): Promise<{ items: ListItem[]; total: number }> {
  const res = await api()
    .get(`/api/v1/orgs/${org.id}/members`)
    .query({ asOf, pageSize: '500', ...extra })
    .set('Authorization', w.auth);
  expect(res.status).toBe(200);
  return res.body;
}
const ids = (l: { items: ListItem[] }) => l.items.map((i) => i.id).sort();

/** Registrations counting on `day` in the subtree, counted straight from the table (half-open daterange). */
async function sqlCount(org: BuiltOrg, day: string, category?: Category) {
  const rows = await db().$queryRaw<{ n: bigint; persons: bigint }[]>`
    SELECT count(*) AS n, count(DISTINCT m."personId") AS persons
    FROM "Registration" r
    JOIN "Organisation" o ON o.id = r."organisationId"
    JOIN "Member" m ON m.id = r."memberId"
    WHERE starts_with(o.path, ${org.path})
      AND daterange(r."validFrom", r."validTo", '[)') @> ${day}::date
      AND (${category ?? null}::text IS NULL OR r.category::text = ${category ?? null}::text)`;
  return { n: Number(rows[0].n), persons: Number(rows[0].persons) };
}

describe('joining', () => {
  it('counts a member who joined on D from D, not on the day before', async () => {
    const w = await world();
    const m = await join(w, w.t.primA1, D);

    for (const org of [w.t.primA1, w.t.terrA1, w.t.regionA, w.t.central]) {
      expect((await summary(w, org, BEFORE)).members.total).toBe(0);
      expect((await summary(w, org, D)).members.total).toBe(1);
    }
    expect(ids(await list(w, w.t.primA1, BEFORE))).toEqual([]);
    expect(ids(await list(w, w.t.primA1, D))).toEqual([m.id]);
    expect(ids(await list(w, w.t.primA1, addDays(D, 30)))).toEqual([m.id]);
    // Not in another branch.
    expect((await summary(w, w.t.terrA2, D)).members.total).toBe(0);
    expect((await list(w, w.t.regionB, D)).total).toBe(0);
  });

  it('accepts the date in ДД.ММ.ГГГГ as well as ISO', async () => {
    const w = await world();
    await join(w, w.t.primA2, D);
    const res = await api()
      .get(`/api/v1/orgs/${w.t.primA2.id}/summary`)
      .query({ asOf: '15.03.2024' })
      .set('Authorization', w.auth);
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(D);
    expect(res.body.members.total).toBe(1);
    const before = await api()
      .get(`/api/v1/orgs/${w.t.primA2.id}/members`)
      .query({ asOf: '14.03.2024' })
      .set('Authorization', w.auth);
    expect(before.body.total).toBe(0);
  });

  it('refuses an impossible asOf date with 400', async () => {
    const w = await world();
    const res = await api()
      .get(`/api/v1/orgs/${w.t.regionA.id}/summary`)
      .query({ asOf: '31.02.2024' })
      .set('Authorization', w.auth);
    expect(res.status).toBe(400);
  });
});

describe('exit', () => {
  it('counts a member who exits on D on the day before, and no longer from D', async () => {
    const w = await world();
    const m = await join(w, w.t.primA1, '2020-01-10');
    await exitMember(w.actor, m, m.version, 'EXIT_VOLUNTARY', D);

    for (const org of [w.t.primA1, w.t.regionA, w.t.central]) {
      expect((await summary(w, org, BEFORE)).members.total).toBe(1);
      expect((await summary(w, org, D)).members.total).toBe(0);
      expect((await summary(w, org, addDays(D, 1))).members.total).toBe(0);
    }
    expect(ids(await list(w, w.t.regionA, BEFORE))).toEqual([m.id]);
    expect(ids(await list(w, w.t.regionA, D))).toEqual([]);
    // History before joining and during membership is untouched.
    expect((await summary(w, w.t.primA1, '2020-01-09')).members.total).toBe(0);
    expect((await summary(w, w.t.primA1, '2020-01-10')).members.total).toBe(1);
  });

  it('never counts a member who joined and exited on the same day', async () => {
    const w = await world();
    const m = await join(w, w.t.primA2, D);
    await exitMember(w.actor, m, m.version, 'EXIT_DISMISSED', D);
    for (const day of [BEFORE, D, addDays(D, 1)]) expect((await summary(w, w.t.regionA, day)).members.total).toBe(0);
  });

  it('refuses an exit dated before the registration began, leaving the counts as they were', async () => {
    const w = await world();
    const m = await join(w, w.t.primA1, D);
    await expect(exitMember(w.actor, m, m.version, 'EXIT_VOLUNTARY', BEFORE)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect((await summary(w, w.t.primA1, D)).members.total).toBe(1);
    expect((await fresh(m.id)).status).toBe('ACTIVE');
  });
});

describe('transfer', () => {
  it('counts a member transferred on D from primA1 to primA3 in primA1 on D-1, in primA3 on D, and in the region once on both days', async () => {
    const w = await world();
    const m = await join(w, w.t.primA1, '2019-09-01');
    await transferMember(w.actor, m, m.version, await orgRow(w.t.primA3), D);

    expect((await summary(w, w.t.primA1, BEFORE)).members.total).toBe(1);
    expect((await summary(w, w.t.primA1, D)).members.total).toBe(0);
    expect((await summary(w, w.t.primA3, BEFORE)).members.total).toBe(0);
    expect((await summary(w, w.t.primA3, D)).members.total).toBe(1);

    for (const day of [BEFORE, D]) {
      const region = await summary(w, w.t.regionA, day);
      expect(region.members.total).toBe(1);
      const l = await list(w, w.t.regionA, day);
      expect(l.total).toBe(1);
      expect(ids(l)).toEqual([m.id]);
      expect((await summary(w, w.t.central, day)).members.total).toBe(1);
    }
    expect((await list(w, w.t.regionA, BEFORE)).items[0].organisationId).toBe(w.t.primA1.id);
    expect((await list(w, w.t.regionA, D)).items[0].organisationId).toBe(w.t.primA3.id);

    // The region's children: the member moves from terrA1 to terrA2.
    const child = (s: Summary, org: BuiltOrg) => s.children.find((c) => c.id === org.id)!.members.total;
    const before = await summary(w, w.t.regionA, BEFORE);
    const after = await summary(w, w.t.regionA, D);
    expect([child(before, w.t.terrA1), child(before, w.t.terrA2)]).toEqual([1, 0]);
    expect([child(after, w.t.terrA1), child(after, w.t.terrA2)]).toEqual([0, 1]);
  });

  it('counts a member registered and transferred on the same day only in the new organisation', async () => {
    const w = await world();
    const m = await join(w, w.t.primA1, D);
    await transferMember(w.actor, m, m.version, await orgRow(w.t.primA3), D);
    expect((await summary(w, w.t.primA1, D)).members.total).toBe(0);
    expect((await summary(w, w.t.primA3, D)).members.total).toBe(1);
    expect((await summary(w, w.t.regionA, BEFORE)).members.total).toBe(0);
    expect((await summary(w, w.t.regionA, D)).members.total).toBe(1);
    expect((await sqlCount(w.t.central, D)).n).toBe(1);
  });

  it('counts a member transferred across regions in the old region before D and in the new one from D', async () => {
    const w = await world();
    const m = await join(w, w.t.buroA1, '2018-02-01', 'STUDENT');
    await transferMember(w.actor, m, m.version, await orgRow(w.t.primB1), D);
    expect((await summary(w, w.t.regionA, BEFORE)).members.STUDENT).toBe(1);
    expect((await summary(w, w.t.regionB, BEFORE)).members.total).toBe(0);
    expect((await summary(w, w.t.regionA, D)).members.total).toBe(0);
    expect((await summary(w, w.t.regionB, D)).members.STUDENT).toBe(1);
    for (const day of [BEFORE, D]) expect((await summary(w, w.t.central, day)).members.total).toBe(1);
  });

  it('keeps each day of a chain of transfers in exactly one organisation', async () => {
    const w = await world();
    let m = await join(w, w.t.primA1, '2023-01-01');
    m = await transferMember(w.actor, m, m.version, await orgRow(w.t.primA2), '2023-06-01');
    m = await transferMember(w.actor, m, m.version, await orgRow(w.t.primA3), '2023-09-01');
    await exitMember(w.actor, m, m.version, 'EXIT_GRADUATED', '2024-01-01');
    const where = async (day: string) => {
      const out: string[] = [];
      for (const [name, org] of [
        ['A1', w.t.primA1],
        ['A2', w.t.primA2],
        ['A3', w.t.primA3],
      ] as const) {
        if ((await summary(w, org, day)).members.total) out.push(name);
      }
      return out;
    };
    expect(await where('2022-12-31')).toEqual([]);
    expect(await where('2023-01-01')).toEqual(['A1']);
    expect(await where('2023-05-31')).toEqual(['A1']);
    expect(await where('2023-06-01')).toEqual(['A2']);
    expect(await where('2023-08-31')).toEqual(['A2']);
    expect(await where('2023-09-01')).toEqual(['A3']);
    expect(await where('2023-12-31')).toEqual(['A3']);
    expect(await where('2024-01-01')).toEqual([]);
  });
});

describe('category change', () => {
  it('moves the count from the old category to the new one on D', async () => {
    const w = await world();
    const m = await join(w, w.t.primA1, '2015-09-01', 'WORKING');
    await changeCategory(w.actor, m, m.version, 'PENSIONER', D);

    const before = await summary(w, w.t.regionA, BEFORE);
    const after = await summary(w, w.t.regionA, D);
    expect(before.members).toEqual({ WORKING: 1, STUDENT: 0, PENSIONER: 0, total: 1 });
    expect(after.members).toEqual({ WORKING: 0, STUDENT: 0, PENSIONER: 1, total: 1 });

    expect(ids(await list(w, w.t.primA1, BEFORE, { category: 'PENSIONER' }))).toEqual([]);
    expect(ids(await list(w, w.t.primA1, D, { category: 'PENSIONER' }))).toEqual([m.id]);
    expect(ids(await list(w, w.t.primA1, BEFORE, { category: 'WORKING' }))).toEqual([m.id]);
    expect(ids(await list(w, w.t.primA1, D, { category: 'WORKING' }))).toEqual([]);
    expect((await list(w, w.t.primA1, BEFORE)).items[0].category).toBe('WORKING');
    expect((await list(w, w.t.primA1, D)).items[0].category).toBe('PENSIONER');
    expect((await sqlCount(w.t.regionA, BEFORE, 'WORKING')).n).toBe(1);
    expect((await sqlCount(w.t.regionA, D, 'PENSIONER')).n).toBe(1);
  });

  it('changes the category from the first day when changed on the day of registration', async () => {
    const w = await world();
    const m = await join(w, w.t.primA2, D, 'WORKING');
    await changeCategory(w.actor, m, m.version, 'STUDENT', D);
    expect((await summary(w, w.t.primA2, D)).members).toEqual({ WORKING: 0, STUDENT: 1, PENSIONER: 0, total: 1 });
    expect((await summary(w, w.t.primA2, BEFORE)).members.total).toBe(0);
  });

  it('keeps the category of a transferred member and the date of each change', async () => {
    const w = await world();
    let m = await join(w, w.t.primA1, '2022-01-10', 'STUDENT');
    m = await changeCategory(w.actor, m, m.version, 'WORKING', '2023-07-01');
    await transferMember(w.actor, m, m.version, await orgRow(w.t.primA3), D);
    expect((await summary(w, w.t.primA1, '2023-06-30')).members.STUDENT).toBe(1);
    expect((await summary(w, w.t.primA1, '2023-07-01')).members.WORKING).toBe(1);
    expect((await summary(w, w.t.primA3, D)).members).toEqual({ WORKING: 1, STUDENT: 0, PENSIONER: 0, total: 1 });
  });
});

describe('summary', () => {
  /** A mixed population: joins, exits, transfers, categories across both regions. */
  async function population(t: Tree) {
    const specs: MemberSpec[] = [];
    const p = (org: BuiltOrg, category: Category, joinedAt: string, extra: Partial<MemberSpec> = {}) =>
      specs.push({
        org,
        lastName: surname(),
        firstName: 'Ольга',
        middleName: 'Петровна',
        birthDate: '1975-05-05',
        category,
        joinedAt,
        ...extra,
      });
    p(t.primA1, 'WORKING', '2010-09-01');
    p(t.primA1, 'PENSIONER', '2012-01-15');
    p(t.primA1, 'WORKING', '2021-03-01', { exit: { date: '2023-03-01', kind: 'EXIT_VOLUNTARY' } });
    p(t.buroA1, 'STUDENT', '2022-09-01');
    p(t.buroA1, 'WORKING', '2024-03-15');
    p(t.primA2, 'WORKING', '2016-02-02', { exit: { date: '2022-12-31', kind: 'EXIT_DISMISSED' } });
    p(t.primA3, 'WORKING', '2015-01-01', { transferredFrom: t.primA2, registeredAt: '2022-06-01' });
    p(t.primA3, 'PENSIONER', '2019-11-11', { transferredFrom: t.primB1, registeredAt: '2023-01-01' });
    p(t.primB1, 'STUDENT', '2020-09-01', { exit: { date: '2024-06-30', kind: 'EXIT_GRADUATED' } });
    p(t.primB1, 'WORKING', '2011-04-04');
    p(t.primB1, 'WORKING', '2024-03-14', { exit: { date: '2024-03-15', kind: 'EXIT_EXCLUDED' } });
    await buildMembers(specs);
    return specs;
  }

  /** The expected union-wide count: each spec counts from joinedAt until its exit, wherever it sits. */
  const expectedTotal = (specs: MemberSpec[], day: string) =>
    specs.filter((s) => s.joinedAt <= day && (!s.exit || s.exit.date > day)).length;

  const DAYS = [
    '2009-12-31',
    '2012-01-15',
    '2019-11-10',
    '2022-06-01',
    '2022-12-31',
    '2023-01-01',
    '2023-03-01',
    '2024-03-14',
    '2024-03-15',
    '2024-06-30',
    today(),
  ];

  it('children rows sum to the total, by category and for primary organisations', async () => {
    const w = await world();
    await population(w.t);
    for (const day of DAYS) {
      for (const org of [w.t.central, w.t.regionA, w.t.terrA1, w.t.regionB]) {
        const s = await summary(w, org, day);
        for (const k of ['WORKING', 'STUDENT', 'PENSIONER', 'total'] as const) {
          expect({ day, org: org.name, k, sum: s.children.reduce((a, c) => a + c.members[k], 0) }).toEqual({
            day,
            org: org.name,
            k,
            sum: s.members[k],
          });
        }
        expect(s.members.WORKING + s.members.STUDENT + s.members.PENSIONER).toBe(s.members.total);
        expect(s.children.reduce((a, c) => a + c.primaryOrgs, 0)).toBe(s.primaryOrgs);
        expect(s.children.reduce((a, c) => a + c.primaryOrgsWithoutMembers, 0)).toBe(s.primaryOrgsWithoutMembers);
      }
    }
  });

  it('matches a direct SQL count of the Registration table and counts each person once', async () => {
    const w = await world();
    const specs = await population(w.t);
    for (const day of DAYS) {
      const union = await sqlCount(w.t.central, day);
      expect({ day, n: union.n }).toEqual({ day, n: expectedTotal(specs, day) });
      expect(union.persons).toBe(union.n);
      for (const org of [w.t.central, w.t.regionA, w.t.regionB, w.t.terrA1, w.t.primA1, w.t.primA3]) {
        const s = await summary(w, org, day);
        const sql = await sqlCount(org, day);
        expect({ day, org: org.name, total: s.members.total }).toEqual({ day, org: org.name, total: sql.n });
        for (const cat of ['WORKING', 'STUDENT', 'PENSIONER'] as const) {
          expect({ day, org: org.name, cat, n: s.members[cat] }).toEqual({
            day,
            org: org.name,
            cat,
            n: (await sqlCount(org, day, cat)).n,
          });
        }
        const l = await list(w, org, day);
        expect({ day, org: org.name, listed: l.total }).toEqual({ day, org: org.name, listed: sql.n });
        expect(new Set(ids(l)).size).toBe(l.items.length);
      }
    }
  });

  it('counts primary organisations with no member registered on the date', async () => {
    const w = await world();
    const { t } = w;
    // primA1: a member only in its sub-unit (buroA1) — the primary is not empty.
    // primA2: its only member exits on D. primA3: its member joins the day after D.
    await buildMembers([
      {
        org: t.buroA1,
        lastName: surname(),
        firstName: 'Вера',
        birthDate: '1990-02-02',
        category: 'WORKING',
        joinedAt: '2020-01-01',
      },
      {
        org: t.primA2,
        lastName: surname(),
        firstName: 'Вера',
        birthDate: '1990-02-02',
        category: 'WORKING',
        joinedAt: '2020-01-01',
        exit: { date: D, kind: 'EXIT_VOLUNTARY' },
      },
      {
        org: t.primA3,
        lastName: surname(),
        firstName: 'Вера',
        birthDate: '1990-02-02',
        category: 'WORKING',
        joinedAt: addDays(D, 1),
      },
    ]);

    const onD = await summary(w, t.regionA, D);
    expect(onD.primaryOrgs).toBe(3);
    expect(onD.primaryOrgsWithoutMembers).toBe(2);
    const row = (s: Summary, org: BuiltOrg) => s.children.find((c) => c.id === org.id)!;
    expect(row(onD, t.terrA1)).toMatchObject({ primaryOrgs: 2, primaryOrgsWithoutMembers: 1 });
    expect(row(onD, t.terrA2)).toMatchObject({ primaryOrgs: 1, primaryOrgsWithoutMembers: 1 });

    const dayBefore = await summary(w, t.regionA, BEFORE);
    expect(dayBefore.primaryOrgsWithoutMembers).toBe(1); // primA2's member still counts on D-1
    const dayAfter = await summary(w, t.regionA, addDays(D, 1));
    expect(dayAfter.primaryOrgsWithoutMembers).toBe(1); // primA3 has its member, primA2 has none
    const early = await summary(w, t.regionA, '2019-12-31');
    expect(early.primaryOrgsWithoutMembers).toBe(3);

    const union = await summary(w, t.central, D);
    expect(union.primaryOrgs).toBe(4);
    expect(union.primaryOrgsWithoutMembers).toBe(3); // primA2, primA3 and primB1
    expect(row(union, t.regionB)).toMatchObject({ primaryOrgs: 1, primaryOrgsWithoutMembers: 1 });
    // A primary organisation itself: 1 primary, busy through its sub-unit.
    expect(await summary(w, t.primA1, D)).toMatchObject({ primaryOrgs: 1, primaryOrgsWithoutMembers: 0 });
  });

  it('counts a primary organisation only while it exists: from its foundation until its exclusion', async () => {
    const w = await world();
    await buildOrg(w.t.terrA2, 'PRIMARY', { name: 'ППО новой школы', foundedAt: addDays(D, 1) });
    const gone = await buildOrg(w.t.terrA2, 'PRIMARY', { name: 'ППО закрытой школы', foundedAt: '2001-01-01' });
    await db().organisation.update({
      where: { id: gone.id },
      data: { status: 'EXCLUDED', excludedAt: toDate(D), excludedReason: 'Ликвидация' },
    });
    const terr = async (day: string) => await summary(w, w.t.terrA2, day);
    // terrA2 holds primA3 (no members), `late` and `gone`.
    expect(await terr(BEFORE)).toMatchObject({ primaryOrgs: 2, primaryOrgsWithoutMembers: 2 }); // primA3, gone
    expect(await terr(D)).toMatchObject({ primaryOrgs: 1, primaryOrgsWithoutMembers: 1 }); // primA3
    expect(await terr(addDays(D, 1))).toMatchObject({ primaryOrgs: 2, primaryOrgsWithoutMembers: 2 }); // primA3, late
    expect((await terr(BEFORE)).children.map((c) => c.id)).toContain(gone.id);
    expect((await terr(D)).children.map((c) => c.id)).not.toContain(gone.id);
  });

  it('counts members registered in a sub-unit within its primary organisation', async () => {
    const w = await world();
    const m = await join(w, w.t.buroA1, D);
    expect((await summary(w, w.t.primA1, D)).members.total).toBe(1);
    expect(ids(await list(w, w.t.primA1, D))).toEqual([m.id]);
    expect((await list(w, w.t.primA1, D)).items[0].organisationId).toBe(w.t.buroA1.id);
  });
});

describe('one person is counted once', () => {
  const isUniqueViolation = (constraint: string) => (e: unknown) => {
    expect(e).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((e as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
    expect(JSON.stringify((e as Prisma.PrismaClientKnownRequestError).meta)).toContain(constraint);
    return true;
  };
  async function rejection(p: Promise<unknown>): Promise<unknown> {
    try {
      await p;
    } catch (e) {
      return e;
    }
    throw new Error('expected the database to refuse the row');
  }

  it('the database refuses a second active membership for the same person', async () => {
    const t = await buildTree();
    const { personId } = await buildMember({ org: t.primA1 });
    const e = await rejection(
      db().member.create({
        data: { personId, organisationId: t.primA3.id, category: 'WORKING', joinedAt: toDate('2024-01-01') },
      }),
    );
    isUniqueViolation('Member_one_active_per_person')(e);
    expect(await db().member.count({ where: { personId } })).toBe(1);
  });

  it('the database keeps any number of past (exited) memberships of the person beside the active one', async () => {
    const t = await buildTree();
    const { personId } = await buildMember({ org: t.primA1 });
    await db().member.create({
      data: {
        personId,
        organisationId: t.primA3.id,
        category: 'WORKING',
        joinedAt: toDate('2001-01-01'),
        status: 'EXITED',
        exitedAt: toDate('2005-01-01'),
        exitKind: 'EXIT_VOLUNTARY',
      },
    });
    expect(await db().member.count({ where: { personId } })).toBe(2);
  });

  it('the database refuses a second open registration period for the same member', async () => {
    const t = await buildTree();
    const { memberId } = await buildMember({ org: t.primA1 });
    const e = await rejection(
      db().registration.create({
        data: {
          memberId,
          organisationId: t.primA3.id,
          category: 'WORKING',
          validFrom: toDate('2024-01-01'),
          startKind: 'TRANSFER_IN',
        },
      }),
    );
    isUniqueViolation('Registration_one_open_per_member')(e);
  });

  const personData = (o: { lastName: string; snils?: string | null; birthDate?: string }) => {
    const birthDate = o.birthDate ?? '1966-06-06';
    return {
      lastName: o.lastName,
      firstName: 'Пётр',
      middleName: 'Ильич',
      birthDate: toDate(birthDate),
      snils: o.snils ?? null,
      lastNameKey: nameKey(o.lastName),
      identityKey: identityKey({ lastName: o.lastName, firstName: 'Пётр', middleName: 'Ильич', birthDate }),
    };
  };

  it('the database refuses a second person with the same identity key', async () => {
    const name = surname();
    await db().person.create({ data: personData({ lastName: name }) });
    // The same person typed differently: the identity key is the same.
    const e = await rejection(
      db().person.create({ data: personData({ lastName: name.toUpperCase().replace('Ё', 'Е') }) }),
    );
    isUniqueViolation('identityKey')(e);
    // Another birth date is another person.
    await expect(
      db().person.create({ data: personData({ lastName: name, birthDate: '1966-06-07' }) }),
    ).resolves.toBeDefined();
  });

  it('the database refuses a second person with the same СНИЛС, and allows any number without one', async () => {
    await db().person.create({ data: personData({ lastName: surname(), snils: '11223344595' }) });
    const e = await rejection(db().person.create({ data: personData({ lastName: surname(), snils: '11223344595' }) }));
    isUniqueViolation('snils')(e);
    await db().person.create({ data: personData({ lastName: surname() }) });
    await db().person.create({ data: personData({ lastName: surname() }) });
    expect(await db().person.count({ where: { snils: '11223344595' } })).toBe(1);
  });

  it('the service refuses to register again a person typed with decomposed letters, another case and a typographic apostrophe', async () => {
    const w = await world();
    const first = await createMember(w.actor, await orgRow(w.t.primA1), {
      lastName: "Д'Артаньян-Бойко",
      firstName: 'Андрей',
      middleName: 'Семёнович',
      birthDate: '1977-07-07',
      category: 'WORKING',
      joinedAt: '2020-01-01',
      consents: { processing: true },
    });
    const again = createMember(w.actor, await orgRow(w.t.primB1), {
      lastName: 'д\u2019артаньян - бои\u0306ко',
      firstName: 'АНДРЕИ\u0306',
      middleName: 'семенович',
      birthDate: '1977-07-07',
      category: 'WORKING',
      joinedAt: '2024-01-01',
      consents: { processing: true },
    });
    await expect(again).rejects.toBeInstanceOf(AppError);
    await expect(again).rejects.toMatchObject({
      code: 'DUPLICATE_PERSON',
      extra: { existing: { memberId: first.id } },
    });
    expect((await summary(w, w.t.central, today())).members.total).toBe(1);
  });

  it('the service refuses a second person with the same СНИЛС under another name', async () => {
    const w = await world();
    await createMember(w.actor, await orgRow(w.t.primA1), {
      lastName: surname(),
      firstName: 'Инна',
      birthDate: '1981-01-01',
      snils: '99999999901',
      category: 'WORKING',
      joinedAt: '2020-01-01',
      consents: { processing: true },
    });
    await expect(
      createMember(w.actor, await orgRow(w.t.primA2), {
        lastName: surname(),
        firstName: 'Нина',
        birthDate: '1982-02-02',
        snils: '99999999901',
        category: 'WORKING',
        joinedAt: '2020-01-01',
        consents: { processing: true },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', fields: { snils: expect.stringContaining('СНИЛС') } });
    expect((await sqlCount(w.t.central, today())).n).toBe(1);
  });

  it('lets a former member rejoin as the same person, counted once', async () => {
    const w = await world();
    const input = {
      lastName: surname(),
      firstName: 'Олег',
      middleName: 'Олегович',
      birthDate: '1970-10-10',
      category: 'WORKING' as const,
      consents: { processing: true },
    };
    const first = await createMember(w.actor, await orgRow(w.t.primA1), { ...input, joinedAt: '2018-01-01' });
    await exitMember(w.actor, first, first.version, 'EXIT_VOLUNTARY', '2020-01-01');
    const second = await createMember(w.actor, await orgRow(w.t.primA3), { ...input, joinedAt: '2022-01-01' });
    expect(second.personId).toBe(first.personId);
    expect((await summary(w, w.t.central, '2019-01-01')).members.total).toBe(1);
    expect((await summary(w, w.t.central, '2021-01-01')).members.total).toBe(0);
    expect((await summary(w, w.t.central, '2023-01-01')).members.total).toBe(1);
    expect((await sqlCount(w.t.central, '2023-01-01')).persons).toBe(1);
  });
});
