import type { Role, OrgKind } from '../generated/prisma/enums';

/**
 * Every route and API endpoint names one of these. 'public' and 'self' are the only actions that do
 * not check an organisation: 'public' needs no login, 'self' acts on the user's own account.
 */
export const ACTIONS = [
  'org.view',
  'org.update',
  'org.createChild',
  'org.exclude',
  'member.list',
  'member.view',
  'member.create',
  'member.update',
  'member.exit',
  'member.transfer',
  'member.export',
  'position.manage',
  'user.manage',
  'audit.view',
  'card.view',
  'card.order',
  'card.forward',
  'card.batch',
  'card.issue',
  'card.block',
  'card.progress',
  'event.manage',
  'event.checkin',
  'bonus.export',
  'report.view',
  'report.fill',
  'report.accept',
  'report.campaign',
  // Undoing the close of a campaign: the central administrator only (the central office).
  'report.reopen',
  'report.template',
  'member.import',
  'document.read',
  'survey.answer',
  // The outbox of outgoing messages (codes, e-mails, SMS): the central administrator only.
  'outbox.view',
  'retention.manage',
  'message.send',
  // Informing: publishing to an audience in the subtree (and seeing who has read, downloaded, answered).
  'announcement.publish',
  'document.publish',
  'survey.publish',
] as const;
export type Action = (typeof ACTIONS)[number];
/** 'member-self': a member acting on their own record (their own pages and API); loads a member actor only. */
export type RouteAction = Action | 'public' | 'self' | 'member-self';

const READ: Action[] = [
  'org.view',
  'member.list',
  'member.view',
  'card.view',
  'card.progress',
  'report.view',
  // Reading the library and answering surveys addressed to the user (checked at the user's own organisation).
  'document.read',
  'survey.answer',
];
// 'card.batch' and 'bonus.export' act on the central council itself: only an assignment there covers it.
const CHAIR: Action[] = [
  ...READ,
  'org.update',
  'org.createChild',
  'org.exclude',
  'member.create',
  'member.update',
  'member.exit',
  'member.transfer',
  'member.export',
  'position.manage',
  'user.manage',
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
  'message.send',
  'announcement.publish',
  'document.publish',
  'survey.publish',
];

/**
 * Role × action, as data. `Record<Role, …>` makes a new role fail to compile until its rules exist.
 * - Администратор ЦС: everything.
 * - Председатель: everything in the subtree, including the users of the subtree.
 * - Ответственный за работу в реестре: the chair's registry work, but not appointing users.
 * - Председатель профбюро / профгрупорг: see and edit the members of their sub-unit.
 * - Наблюдатель: read-only, no export of personal data.
 */
export const RULES: Record<Role, ReadonlySet<Action>> = {
  ADMIN: new Set<Action>(ACTIONS),
  // Form templates and the retention of personal data concern everyone: the central administrator only.
  CHAIR: new Set<Action>(CHAIR),
  // Writing to members on the union's behalf is the chair's: the registrar keeps the registry only.
  REGISTRAR: new Set<Action>(CHAIR.filter((a) => a !== 'user.manage' && a !== 'message.send')),
  SUBUNIT_CHAIR: new Set<Action>([...READ, 'member.create', 'member.update', 'event.checkin']),
  VIEWER: new Set<Action>(READ),
};

export const ROLE_LABELS: Record<Role, string> = {
  ADMIN: 'Администратор ЦС',
  CHAIR: 'Председатель',
  REGISTRAR: 'Ответственный за работу в реестре',
  SUBUNIT_CHAIR: 'Председатель профбюро / профгрупорг',
  VIEWER: 'Наблюдатель',
};

/** Which roles can sit at which organisation kinds. */
export const ROLE_KINDS: Record<Role, readonly OrgKind[]> = {
  ADMIN: ['CENTRAL'],
  CHAIR: ['CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY'],
  REGISTRAR: ['CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY'],
  SUBUNIT_CHAIR: ['PROFBURO', 'PROFGROUP'],
  VIEWER: ['CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY', 'PROFBURO', 'PROFGROUP'],
};

/**
 * Per-record conditions: small named functions, one per action that has one.
 * `atRoot` is true when the target is the assignment's own organisation.
 */
export const CONDITIONS: Partial<Record<Action, (ctx: { atRoot: boolean }) => boolean>> = {
  // An organisation is excluded by someone above it, never by its own chair.
  'org.exclude': ({ atRoot }) => !atRoot,
  // A report is accepted (or returned) by the organisation above, never by its own chair.
  'report.accept': ({ atRoot }) => !atRoot,
};
