/**
 * Depersonalisation after the retention period and after a withdrawn processing consent: the person's names,
 * contacts, СНИЛС, numbers and free texts leave every table, the birth date keeps its year, and every figure of the
 * union form as of any past date stays exactly what it was.
 */
import { buildTree, useDb, type Tree } from '../helpers';
import { db } from '../../src/db';
import { addDays, today } from '../../src/lib/dates';
import { SYSTEM_ACTOR } from '../../src/policy/actor';
import { runDepersonalisation, retentionCutoff } from '../../src/modules/retention/retention.service';
import { buildMember } from '../../src/seed/builders.repo';
import { loadShippedTemplates } from '../../src/modules/reports/reports.repo';
import { authOf, live } from '../reports/support';
import { tracedMember, whereFound, withdrawProcessing, type Traced } from './support';

useDb();

let t: Tree;
const due: Traced[] = [];
const kept: Traced[] = [];
let withdrawn: Traced;
let withdrawnRecently: Traced;
let givenAgain: Traced;

// Days around the members' periods and their 35th and 55th birthdays, where a reduced birth date would show.
const DATES = [
  '2012-06-30',
  '2016-01-01',
  '2019-12-31',
  '2020-01-01',
  '2020-03-15',
  '2020-08-14',
  '2020-08-15',
  '2020-08-16',
  '2021-02-28',
  '2021-06-29',
  '2021-06-30',
  '2022-01-01',
  today(),
];

async function unionForms(auth: string) {
  const out: Record<string, Record<string, number | null>> = {};
  for (const d of DATES) out[d] = (await live(t.central, 'UNION', d, auth)).v;
  return out;
}

beforeAll(async () => {
  await loadShippedTemplates();
  t = await buildTree();
  // Exited long ago: youth line crossed inside the period (35 on 15.08.2020), never young, young throughout,
  // a chair who turned 55 and 35 while in office, a transfer between two organisations.
  due.push(await tracedMember(t.primA1, { birthDate: '1985-08-15', joinedAt: '2010-09-01', exit: '2021-06-30' }));
  due.push(await tracedMember(t.primA1, { birthDate: '1961-03-20', joinedAt: '2000-01-10', exit: '2020-12-31' }));
  due.push(
    await tracedMember(t.primA2, {
      birthDate: '1999-11-30',
      joinedAt: '2018-09-01',
      exit: '2021-06-30',
      gender: 'MALE',
    }),
  );
  due.push(
    await tracedMember(t.primA3, {
      birthDate: '1965-08-15',
      joinedAt: '2005-01-01',
      exit: '2021-06-30',
      chairUntil: '2021-06-30',
    }),
  );
  due.push(
    await tracedMember(t.primB1, {
      birthDate: '1985-12-31',
      joinedAt: '2012-01-01',
      exit: '2020-12-30',
      chairUntil: '2020-12-30',
    }),
  );
  // Still within the period, or still a member: kept.
  kept.push(
    await tracedMember(t.primA1, { birthDate: '1986-05-05', joinedAt: '2015-01-01', exit: addDays(today(), -400) }),
  );
  kept.push(await tracedMember(t.primA2, { birthDate: '1991-02-02', joinedAt: '2016-01-01' }));
  // Processing consent withdrawn 40 days ago (an active member): due; 10 days ago: not yet; given again: kept.
  withdrawn = await tracedMember(t.primA1, { birthDate: '1990-07-07', joinedAt: '2019-01-01' });
  await withdrawProcessing(withdrawn.personId, 40);
  // The member's side: the chair's open request for the withdrawal, a correction asked with a new e-mail, a session.
  await db().processingWithdrawal.create({ data: { personId: withdrawn.personId, organisationId: t.primA1.id } });
  await db().correctionRequest.create({
    data: { personId: withdrawn.personId, organisationId: t.primA1.id, field: 'email', proposed: withdrawn.needles[2] },
  });
  await db().session.create({
    data: {
      sid: `s-${withdrawn.personId}`,
      sess: { cookie: {}, memberPersonId: withdrawn.personId, flash: `Код отправлен на ${withdrawn.needles[2]}` },
      expire: new Date(Date.now() + 3600_000),
    },
  });
  withdrawnRecently = await tracedMember(t.primA2, { birthDate: '1992-04-04', joinedAt: '2019-01-01' });
  await withdrawProcessing(withdrawnRecently.personId, 10);
  givenAgain = await tracedMember(t.primA3, { birthDate: '1993-03-03', joinedAt: '2019-01-01' });
  await withdrawProcessing(givenAgain.personId, 40);
  await db().consent.create({
    data: {
      personId: givenAgain.personId,
      kind: 'PROCESSING',
      givenAt: new Date(`${addDays(today(), -20)}T00:00:00Z`),
      textVersion: '2026-01',
    },
  });
  // Some ordinary members around them.
  for (const org of [t.primA1, t.primA2, t.primB1]) await buildMember({ org, joinedAt: '2011-01-01' });
});

describe('a depersonalisation run', () => {
  let before: Awaited<ReturnType<typeof unionForms>>;
  let actId: string | null;
  let count: number;

  beforeAll(async () => {
    const auth = await authOf(t.central, 'ADMIN');
    before = await unionForms(auth);
    ({ actId, count } = await runDepersonalisation(SYSTEM_ACTOR, { trigger: 'MANUAL', batchSize: 2 }));
  });

  it('takes exactly the persons past the period and the consent withdrawn 30+ days ago', async () => {
    expect(count).toBe(due.length + 1);
    const done = await db().person.findMany({ where: { depersonalisedAt: { not: null } }, select: { id: true } });
    expect(new Set(done.map((p) => p.id))).toEqual(new Set([...due, withdrawn].map((x) => x.personId)));
  });

  it('leaves the union form identical as of every past date (youth and chairs’ ages included)', async () => {
    const after = await unionForms(await authOf(t.central, 'ADMIN'));
    expect(after).toEqual(before);
    // The control: the dates chosen do see these people (members on 15.08.2020 include them).
    expect(Object.values(before['2020-08-15']).some((v) => (v ?? 0) > 0)).toBe(true);
  });

  it('leaves no name, contact, СНИЛС, number or free text of theirs in any table', async () => {
    const needles = [...due, withdrawn].flatMap((x) => x.needles);
    expect(await whereFound(needles)).toEqual([]);
    // The control: the kept persons' values are found where they live.
    expect(await whereFound(kept[0].needles)).toEqual(expect.arrayContaining(['public.Person.lastName']));
    expect(await whereFound(withdrawnRecently.needles)).toContain('public.Person.email');
    expect(await whereFound(givenAgain.needles)).toContain('public.Person.snils');
  });

  it('shows a placeholder for the name, keeps the year of birth, the gender, the memberships and movements', async () => {
    const p = await db().person.findUniqueOrThrow({ where: { id: due[0].personId } });
    expect(`${p.lastName} ${p.firstName}`).toBe(`Обезличен (ID ${p.id.slice(0, 8)})`);
    expect(p.middleName).toBeNull();
    expect(p.birthDate.toISOString().slice(0, 10)).toBe('1985-01-01');
    expect(p.gender).toBe('FEMALE');
    expect(p.identityKey).not.toContain('1985');
    const m = await db().member.findUniqueOrThrow({ where: { id: due[0].memberId } });
    expect(m.status).toBe('EXITED');
    expect(await db().movement.count({ where: { memberId: due[0].memberId } })).toBe(2);
    // Never young in the period: the copy is reduced too; the youth line inside the period: the copy stays exact.
    const never = await db().registration.findFirstOrThrow({ where: { memberId: due[1].memberId } });
    expect(never.birthDate?.toISOString().slice(0, 10)).toBe('1961-01-01');
  });

  it('closes the open withdrawal request, ends the member session and cancels the open correction', async () => {
    const w = await db().processingWithdrawal.findFirstOrThrow({ where: { personId: withdrawn.personId } });
    expect(w.status).toBe('DONE');
    const c = await db().correctionRequest.findFirstOrThrow({ where: { personId: withdrawn.personId } });
    expect(c.status).toBe('CANCELLED');
    expect(await db().session.count({ where: { sid: `s-${withdrawn.personId}` } })).toBe(0);
  });

  it('is idempotent: a second run finds no one and changes nothing', async () => {
    const snapshot = await db().person.findMany({ orderBy: { id: 'asc' } });
    const again = await runDepersonalisation(SYSTEM_ACTOR, { trigger: 'SCHEDULE' });
    expect(again).toEqual({ actId: null, count: 0 });
    expect(await db().person.findMany({ orderBy: { id: 'asc' } })).toEqual(snapshot);
  });

  it('records the run in an act: every person by internal id with the reason and the date it rests on', async () => {
    const items = await db().depersonalisationItem.findMany({ where: { actId: actId! } });
    expect(items).toHaveLength(due.length + 1);
    const w = items.find((i) => i.personId === withdrawn.personId)!;
    expect(w.reason).toBe('PROCESSING_WITHDRAWN');
    expect(w.basisDate.toISOString().slice(0, 10)).toBe(addDays(today(), -40));
    const r = items.find((i) => i.personId === due[0].personId)!;
    expect(r.reason).toBe('RETENTION_EXPIRED');
    expect(r.basisDate.toISOString().slice(0, 10)).toBe('2021-06-30');
    const act = await db().depersonalisationAct.findUniqueOrThrow({ where: { id: actId! } });
    expect(act.personCount).toBe(due.length + 1);
    expect(act.finishedAt).not.toBeNull();
    const log = await db().auditLog.findFirstOrThrow({ where: { action: 'retention.run', entityId: actId! } });
    expect(log.rowCount).toBe(due.length + 1);
  });
});

describe('the retention cutoff', () => {
  it('is the same day so many years before, and 28 February for 29 February', () => {
    expect(retentionCutoff('2026-12-02', 3)).toBe('2023-12-02');
    expect(retentionCutoff('2028-02-29', 3)).toBe('2025-02-28');
  });
});
