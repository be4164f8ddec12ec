/**
 * The access policy as a table: decide() over level × role × action × relation of the target organisation.
 * The expectations below are written by hand, not read from RULES: a wrong edit of RULES must fail here.
 */
import crypto from 'node:crypto';
import { useDb } from '../helpers';
import { decide, SYSTEM_ACTOR, type Actor, type Assignment, type Decision } from '../../src/policy/actor';
import { ACTIONS, ROLE_KINDS, type Action } from '../../src/policy/rules';
import type { OrgKind, Role } from '../../src/generated/prisma/enums';
import { loadActor } from '../../src/modules/auth/auth.repo';
import { buildOrg, buildUser } from '../../src/seed/builders.repo';
import { db } from '../../src/db';
import { addDays, today } from '../../src/lib/dates';

useDb();

// ---------------------------------------------------------------------------------------------------------
// What each role may do, written out (SPEC "Roles"). Deliberately not derived from RULES.
// ---------------------------------------------------------------------------------------------------------
const REGISTRY_WORK = [
  'org.update',
  'org.createChild',
  'org.exclude',
  'member.create',
  'member.update',
  'member.exit',
  'member.transfer',
  'member.export',
  'position.manage',
  'audit.view',
  'card.order',
  'card.forward',
  'card.batch',
  'card.issue',
  'card.block',
  'event.manage',
  'event.checkin',
  'bonus.export',
  'report.fill',
  'report.accept',
  'report.campaign',
  'member.import',
  // Informing: chairs and registry staff publish announcements, documents and surveys to their subtree.
  'announcement.publish',
  'document.publish',
  'survey.publish',
] as const;
const READING = [
  'org.view',
  'member.list',
  'member.view',
  'card.view',
  'card.progress',
  'report.view',
  // Reading what is addressed to the user, answering surveys.
  'document.read',
  'survey.answer',
] as const;

const MAY: Record<Role, readonly string[]> = {
  // Администратор ЦС: everything, including users.
  ADMIN: [
    ...READING,
    ...REGISTRY_WORK,
    'user.manage',
    'report.template',
    // Reopening a closed campaign (undoing a close): the central office only.
    'report.reopen',
    'retention.manage',
    'message.send',
    'outbox.view',
  ],
  // Председатель: everything in the subtree, including its users and writing to its members.
  CHAIR: [...READING, ...REGISTRY_WORK, 'user.manage', 'message.send'],
  // Ответственный за работу в реестре: the chair's registry work, but does not appoint users.
  REGISTRAR: [...READING, ...REGISTRY_WORK],
  // Председатель профбюро / профгрупорг: see and edit the members of their sub-unit only (and check them in at events).
  SUBUNIT_CHAIR: [...READING, 'member.create', 'member.update', 'event.checkin'],
  // Наблюдатель: read-only, no export of personal data.
  VIEWER: [...READING],
};
/** Every action this file has an expectation for. */
const EVERY_ACTION = [
  ...READING,
  ...REGISTRY_WORK,
  'user.manage',
  'report.template',
  'report.reopen',
  'retention.manage',
  'message.send',
  'outbox.view',
];

const ROLES: Role[] = ['ADMIN', 'CHAIR', 'REGISTRAR', 'SUBUNIT_CHAIR', 'VIEWER'];
const LEVELS: OrgKind[] = ['CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY', 'PROFBURO'];
const CHILD_KIND: Record<string, OrgKind> = {
  CENTRAL: 'REGIONAL',
  REGIONAL: 'TERRITORIAL',
  TERRITORIAL: 'PRIMARY',
  PRIMARY: 'PROFBURO',
  PROFBURO: 'PROFGROUP',
};
type Relation = 'own' | 'descendant' | 'sibling' | 'ancestor';
const RELATIONS: Relation[] = ['own', 'descendant', 'sibling', 'ancestor'];

function expected(role: Role, action: string, relation: Relation): Decision {
  if (relation === 'sibling' || relation === 'ancestor') return 'not_found';
  if (!MAY[role].includes(action)) return 'forbidden';
  // An organisation is excluded by someone above it, never by its own chair.
  if (action === 'org.exclude' && relation === 'own') return 'forbidden';
  // A report is accepted by the organisation above it, never by its own chair.
  if (action === 'report.accept' && relation === 'own') return 'forbidden';
  return 'allow';
}

// ---------------------------------------------------------------------------------------------------------
// A synthetic union: central → region → territorial → primary → profburo → profgroup, with a sibling at every
// level below central. Paths are materialised like the builders write them: "/<id>/<id>/".
// ---------------------------------------------------------------------------------------------------------
interface Node {
  id: string;
  path: string;
  kind: OrgKind;
}
const node = (parent: Node | null, kind: OrgKind): Node => {
  const id = crypto.randomUUID();
  return { id, path: `${parent?.path ?? '/'}${id}/`, kind };
};
const chain: Partial<Record<OrgKind, Node>> = {};
const siblingOf: Partial<Record<OrgKind, Node>> = {};
{
  let parent: Node | null = null;
  for (const kind of [...LEVELS, 'PROFGROUP' as OrgKind]) {
    const n = node(parent, kind);
    chain[kind] = n;
    if (parent) siblingOf[kind] = node(parent, kind);
    parent = n;
  }
}
const parentOf = (kind: OrgKind): Node | undefined => {
  const i = LEVELS.indexOf(kind);
  return i > 0 ? chain[LEVELS[i - 1]] : undefined;
};

function targetPath(level: OrgKind, relation: Relation): string | undefined {
  switch (relation) {
    case 'own':
      return chain[level]!.path;
    case 'descendant':
      return chain[CHILD_KIND[level]]!.path;
    case 'sibling':
      return siblingOf[level]?.path;
    case 'ancestor':
      return parentOf(level)?.path;
  }
}

let seq = 0;
function assignment(role: Role, org: Node): Assignment {
  return { id: `a${++seq}`, role, organisationId: org.id, orgPath: org.path, orgKind: org.kind, orgName: org.kind };
}
function actorWith(...assignments: Assignment[]): Actor {
  return {
    kind: 'user',
    userId: crypto.randomUUID(),
    login: 'u',
    fullName: 'Тест',
    ndaAcceptedAt: new Date(),
    via: 'token',
    assignments,
  };
}

interface Row {
  role: Role;
  level: OrgKind;
  action: Action;
  relation: Relation;
  path: string;
  want: Decision;
}
const rows: Row[] = [];
for (const role of ROLES) {
  for (const level of LEVELS) {
    if (!ROLE_KINDS[role].includes(level)) continue;
    // An action without a written expectation fails the vocabulary test below instead of 200 rows here.
    for (const action of ACTIONS.filter((a) => EVERY_ACTION.includes(a))) {
      for (const relation of RELATIONS) {
        const path = targetPath(level, relation);
        // The central council has no parent and no sibling.
        if (!path) continue;
        rows.push({ role, level, action, relation, path, want: expected(role, action, relation) });
      }
    }
  }
}

describe('decide(): role × level × action × relation', () => {
  it('the table covers every role, every level and every action', () => {
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(ROLES));
    expect(new Set(rows.map((r) => r.level))).toEqual(new Set(LEVELS));
    expect(new Set(rows.map((r) => r.action))).toEqual(new Set(ACTIONS.filter((a) => EVERY_ACTION.includes(a))));
    expect(rows.length).toBeGreaterThan(500);
    expect(new Set(rows.map((r) => r.want))).toEqual(new Set(['allow', 'forbidden', 'not_found']));
  });

  test.each(rows)(
    '$role at $level: $action on the $relation organisation → $want',
    ({ role, level, action, path, want }) => {
      const actor = actorWith(assignment(role, chain[level]!));
      expect(decide(actor, action, path)).toBe(want);
    },
  );
});

describe('the policy vocabulary', () => {
  it('every action in ACTIONS has a written expectation here (a new action must be decided for each role)', () => {
    expect(ACTIONS.filter((a) => !EVERY_ACTION.includes(a))).toEqual([]);
    expect(EVERY_ACTION.filter((a) => !(ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it('places roles at the levels the union uses them', () => {
    expect(ROLE_KINDS.ADMIN).toEqual(['CENTRAL']);
    expect([...ROLE_KINDS.CHAIR].sort()).toEqual(['CENTRAL', 'PRIMARY', 'REGIONAL', 'TERRITORIAL']);
    expect([...ROLE_KINDS.REGISTRAR].sort()).toEqual(['CENTRAL', 'PRIMARY', 'REGIONAL', 'TERRITORIAL']);
    expect([...ROLE_KINDS.SUBUNIT_CHAIR].sort()).toEqual(['PROFBURO', 'PROFGROUP']);
    expect([...ROLE_KINDS.VIEWER].sort()).toEqual([
      'CENTRAL',
      'PRIMARY',
      'PROFBURO',
      'PROFGROUP',
      'REGIONAL',
      'TERRITORIAL',
    ]);
  });
});

describe('decide(): beyond one assignment', () => {
  const region = chain.REGIONAL!;
  const primary = chain.PRIMARY!;
  const terr = chain.TERRITORIAL!;
  const otherPrimary = node(terr, 'PRIMARY');
  const otherRegion = siblingOf.REGIONAL!;

  it('reaches the bottom of a deep subtree from the central council', () => {
    const actor = actorWith(assignment('CHAIR', chain.CENTRAL!));
    expect(decide(actor, 'member.exit', chain.PROFGROUP!.path)).toBe('allow');
    expect(decide(actor, 'org.exclude', chain.PROFGROUP!.path)).toBe('allow');
  });

  it('answers not_found to an actor with no assignment in force, whatever the action', () => {
    const actor = actorWith();
    for (const action of ACTIONS) expect(decide(actor, action, region.path)).toBe('not_found');
  });

  it('lets the system actor do anything anywhere', () => {
    for (const action of ACTIONS) expect(decide(SYSTEM_ACTOR, action, chain.PROFGROUP!.path)).toBe('allow');
  });

  it('does not treat an organisation whose path merely starts with the same characters as a descendant', () => {
    const parent = chain.TERRITORIAL!;
    const own: Node = { id: 'abc', path: `${parent.path}abc/`, kind: 'PRIMARY' };
    const lookalike = `${parent.path}abcdef/`;
    const actor = actorWith(assignment('CHAIR', own));
    expect(decide(actor, 'org.view', lookalike)).toBe('not_found');
  });

  it('combines assignments: a wider read-only role and a narrower chair role', () => {
    const actor = actorWith(assignment('VIEWER', region), assignment('CHAIR', primary));
    expect(decide(actor, 'member.update', primary.path)).toBe('allow');
    expect(decide(actor, 'member.update', chain.PROFBURO!.path)).toBe('allow');
    // Elsewhere in the region only the viewer role covers the target: visible but not editable.
    expect(decide(actor, 'member.update', otherPrimary.path)).toBe('forbidden');
    expect(decide(actor, 'org.view', otherPrimary.path)).toBe('allow');
    expect(decide(actor, 'org.view', otherRegion.path)).toBe('not_found');
  });

  it('lets a chair exclude their own organisation only through an assignment above it', () => {
    const onlyOwn = actorWith(assignment('CHAIR', terr));
    expect(decide(onlyOwn, 'org.exclude', terr.path)).toBe('forbidden');
    const alsoAbove = actorWith(assignment('CHAIR', terr), assignment('CHAIR', region));
    expect(decide(alsoAbove, 'org.exclude', terr.path)).toBe('allow');
    const viewerAbove = actorWith(assignment('CHAIR', terr), assignment('VIEWER', region));
    expect(decide(viewerAbove, 'org.exclude', terr.path)).toBe('forbidden');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Assignments in force: loadActor() reads only the roles whose term covers today.
// ---------------------------------------------------------------------------------------------------------
describe('loadActor(): only assignments in force today give access', () => {
  let central: Awaited<ReturnType<typeof buildOrg>>;
  let region: Awaited<ReturnType<typeof buildOrg>>;
  let primary: Awaited<ReturnType<typeof buildOrg>>;
  const yesterday = () => addDays(today(), -1);
  const tomorrow = () => addDays(today(), 1);

  beforeAll(async () => {
    central = await buildOrg(null, 'CENTRAL');
    region = await buildOrg(central, 'REGIONAL');
    const terr = await buildOrg(region, 'TERRITORIAL');
    primary = await buildOrg(terr, 'PRIMARY');
  });

  async function actorOf(roles: { role: Role; org: { id: string }; startsOn?: string; endsOn?: string | null }[]) {
    const user = await buildUser({ roles });
    const actor = await loadActor(user.id, 'token');
    expect(actor).not.toBeNull();
    return actor!;
  }

  it('an open-ended assignment that has started gives access (the control for the cases below)', async () => {
    const actor = await actorOf([{ role: 'CHAIR', org: region }]);
    expect(actor.assignments.map((a) => [a.role, a.organisationId, a.orgPath])).toEqual([
      ['CHAIR', region.id, region.path],
    ]);
    expect(decide(actor, 'member.update', primary.path)).toBe('allow');
  });

  it('an expired assignment (ended yesterday) gives no access', async () => {
    const actor = await actorOf([{ role: 'CHAIR', org: region, startsOn: '2020-01-01', endsOn: yesterday() }]);
    expect(actor.assignments).toEqual([]);
    expect(decide(actor, 'org.view', region.path)).toBe('not_found');
    expect(decide(actor, 'member.update', primary.path)).toBe('not_found');
  });

  it('a future assignment (starting tomorrow) gives no access yet', async () => {
    const actor = await actorOf([{ role: 'CHAIR', org: region, startsOn: tomorrow() }]);
    expect(actor.assignments).toEqual([]);
    expect(decide(actor, 'org.view', region.path)).toBe('not_found');
  });

  it('the last day of a term (endsOn today) still counts, and so does the first (startsOn today)', async () => {
    const ending = await actorOf([{ role: 'VIEWER', org: region, startsOn: '2020-01-01', endsOn: today() }]);
    expect(decide(ending, 'org.view', region.path)).toBe('allow');
    const starting = await actorOf([{ role: 'VIEWER', org: region, startsOn: today() }]);
    expect(decide(starting, 'org.view', region.path)).toBe('allow');
  });

  it('an expired chair role does not lend its rights to a current viewer role at the same organisation', async () => {
    const actor = await actorOf([
      { role: 'CHAIR', org: region, startsOn: '2020-01-01', endsOn: yesterday() },
      { role: 'VIEWER', org: region, startsOn: '2020-01-01' },
    ]);
    expect(actor.assignments.map((a) => a.role)).toEqual(['VIEWER']);
    expect(decide(actor, 'org.view', primary.path)).toBe('allow');
    expect(decide(actor, 'member.update', primary.path)).toBe('forbidden');
  });

  it('an assignment at an organisation excluded from the registry gives no access', async () => {
    const gone = await buildOrg(region, 'TERRITORIAL');
    const user = await buildUser({ roles: [{ role: 'CHAIR', org: gone }] });
    expect((await loadActor(user.id, 'token'))!.assignments).toHaveLength(1);
    await db().organisation.update({
      where: { id: gone.id },
      data: { status: 'EXCLUDED', excludedAt: new Date(), excludedReason: 'тест' },
    });
    const actor = (await loadActor(user.id, 'token'))!;
    expect(actor.assignments).toEqual([]);
    expect(decide(actor, 'org.view', gone.path)).toBe('not_found');
  });
});
