/**
 * Bodies for the write sweep: one side's ids, names and card number in every field a route reads. API routes: the
 * fields of their zod `body` schema, each given a value of its type that its name asks for (a member id for
 * `memberIds`, an organisation id for `toOrgId`, a card number for `cardNumber` …). Pages: the usual form fields.
 */
import type { Side } from './leak-fixtures';

export interface Values {
  orgId: string;
  memberId: string;
  personId: string;
  userId: string;
  cardId: string;
  cardNumber: string;
  orderId: string;
  eventId: string;
  documentId: string;
  surveyId: string;
  campaignId: string;
  login: string;
  lastName: string;
  firstName: string;
  middleName: string;
  /** ISO (YYYY-MM-DD), as the API takes it; pages get it as ДД.ММ.ГГГГ. */
  birthDate: string;
  email: string;
}

/** Yesterday (a date in the past any person is old enough for) and a year ahead, ISO. */
const PAST = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
const AHEAD = new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10);
const ru = (iso: string) => iso.split('-').reverse().join('.');

type Person = Pick<Values, 'lastName' | 'firstName' | 'middleName' | 'birthDate' | 'email' | 'login'>;

export function valuesOf(s: Side, person: Person): Values {
  return {
    lastName: person.lastName,
    firstName: person.firstName,
    middleName: person.middleName,
    birthDate: person.birthDate,
    email: person.email,
    login: person.login,
    orderId: s.ids.order[0],
    eventId: s.ids.event[0],
    documentId: s.ids.document[0],
    surveyId: s.ids.survey[0],
    campaignId: s.ids.campaign[0],
    orgId: s.prim.id,
    memberId: s.memberId,
    personId: s.personId,
    userId: s.ids.user[0],
    cardId: s.ids.card[0],
    cardNumber: s.cardNumber,
  };
}

/** A person no side has: the names that go with ids, so that a side's name in an answer was never typed. */
export const NOBODY: Person = {
  lastName: 'Пробная',
  firstName: 'Проба',
  middleName: 'Пробовна',
  birthDate: '1991-01-01',
  email: 'proba@example.org',
  login: 'proba-probe',
};

/** `v` with another person's names, birth date, e-mail and login. */
export const withPerson = (v: Values, p: Person): Values => ({
  ...v,
  lastName: p.lastName,
  firstName: p.firstName,
  middleName: p.middleName,
  birthDate: p.birthDate,
  email: p.email,
  login: p.login,
});

/** The value a field of this name takes (strings only; the caller wraps it for arrays). */
function byName(key: string, v: Values, format: string | undefined): string {
  const k = key.toLowerCase();
  if (format === 'email' || k.includes('email')) return v.email;
  if (k === 'birthdate') return v.birthDate;
  if (format === 'datetime' || /^(closes|opens|starts|ends|expires)at$/.test(k)) return `${AHEAD}T00:00:00.000Z`;
  if (/^expires|deadline/.test(k)) return AHEAD;
  if (format === 'date' || /date$|^date|at$/.test(k)) return PAST;
  if (k === 'phone') return '+7 900 000-00-00';
  if (k.endsWith('inn')) return '7701234567';
  if (k === 'login') return v.login;
  if (k === 'middlename') return v.middleName;
  if (k === 'password') return 'Leak-sweep-Password-2030';
  if (k === 'reason') return 'VOLUNTARY';
  if (k === 'code') return 'q1';
  if (/attachment|document|^by$/.test(k)) return v.documentId;
  if (k.includes('order')) return v.orderId;
  if (k.includes('campaign')) return v.campaignId;
  if (k.includes('event')) return v.eventId;
  if (k.includes('survey')) return v.surveyId;
  if (k.includes('member')) return v.memberId;
  if (k.includes('person')) return v.personId;
  if (k.includes('cardid')) return v.cardId;
  if (k.includes('card')) return v.cardNumber;
  if (k.includes('user')) return v.userId;
  if (/org|parent|organisation/.test(k)) return v.orgId;
  if (k.includes('firstname')) return v.firstName;
  if (format === 'uuid' || format === 'guid') return v.orgId;
  return v.lastName;
}

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  element?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  in?: { _zod: { def: Def } };
  out?: { _zod: { def: Def } };
  options?: { _zod: { def: Def } }[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
}

/** Fields whose schema reads a word, not a value of the side (a flag sent as text). */
const FIXED: Record<string, unknown> = { given: true };
/** Fields that hold the answers to the sides' surveys (their one question, `q1`). */
const ANSWERS = (v: Values) => ({ q1: v.lastName });

/** A value for a zod schema (by its definition), every string field carrying what its name asks for. */
function build(def: Def, key: string, v: Values): unknown {
  if (key in FIXED) return FIXED[key];
  if (key === 'answers') return ANSWERS(v);
  // No СНИЛС: one typed twice for two people is a conflict before the duplicate check (tests/members/snils-conflict).
  if (key === 'snils') return undefined;
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, s]) => [k, build(s._zod.def, k, v)]));
    case 'array':
      return def.element ? [build(def.element._zod.def, key, v)] : [];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
      return def.innerType ? build(def.innerType._zod.def, key, v) : undefined;
    case 'pipe': {
      // z.preprocess is a pipe from a transform: the value is the output schema's.
      const first = def.in ? build(def.in._zod.def, key, v) : undefined;
      return first === undefined && def.out ? build(def.out._zod.def, key, v) : first;
    }
    case 'union':
      return def.options?.[0] ? build(def.options[0]._zod.def, key, v) : undefined;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'boolean':
      return true;
    case 'number':
    case 'int':
      return 1;
    case 'record':
      return {};
    case 'string':
      return byName(key, v, def.format);
    default:
      return undefined;
  }
}

/** The API body for a route's zod body schema, or the usual fields when it declares none. */
export function apiBody(schema: unknown, v: Values): Record<string, unknown> {
  const def = (schema as { _zod?: { def: Def } } | undefined)?._zod?.def;
  const built = def ? build(def, '', v) : undefined;
  return built && typeof built === 'object' && !Array.isArray(built)
    ? (built as Record<string, unknown>)
    : formBody(v, 'ids');
}

/**
 * The usual form fields of the pages. `ids`: the side's ids and card number (the text fields neutral), so that a
 * name of the side in the answer is a leak; `person`: the side's person typed in (names, birth date, e-mail, login:
 * the new member form's duplicate check and «transfer here»), no ids, so that an id of the side is a leak.
 */
export function formBody(v: Values, part: 'ids' | 'person'): Record<string, string> {
  const common = {
    joinedAt: ru(PAST),
    date: ru(PAST),
    transferDate: ru(PAST),
    startDate: ru(PAST),
    startsOn: ru(PAST),
    expiresAt: ru(AHEAD),
    category: 'WORKING',
    channel: 'EMAIL',
    consentProcessing: 'on',
    // The second step of an irreversible action (src/http/confirm.ts): the probe acts, it does not stop at «Проверьте».
    confirmed: 'yes',
  };
  if (part === 'person') {
    const text = { q: v.lastName, title: v.lastName, name: v.lastName, fullName: v.lastName, subject: v.lastName };
    return {
      ...common,
      ...text,
      text: v.lastName,
      lastName: v.lastName,
      firstName: v.firstName,
      middleName: v.middleName,
      birthDate: ru(v.birthDate),
      email: v.email,
      login: v.login,
    };
  }
  const ids = { org: v.orgId, orgId: v.orgId, organisationId: v.orgId, toOrgId: v.orgId, parentId: v.orgId };
  return {
    ...common,
    ...ids,
    memberId: v.memberId,
    memberIds: v.memberId,
    member: v.memberId,
    personId: v.personId,
    cardNumber: v.cardNumber,
    card: v.cardNumber,
    cardId: v.cardId,
    cardIds: v.cardId,
    userId: v.userId,
    user: v.userId,
    orderId: v.orderId,
    orderIds: v.orderId,
    attachmentId: v.documentId,
    by: v.documentId,
    eventId: v.eventId,
    surveyId: v.surveyId,
    q: 'Проба',
    title: 'Проба',
    text: 'Проба',
  };
}

/** Every text a body carries (nested fields and lists included): what the answer may echo. */
export function sentIn(body: unknown): string[] {
  if (typeof body === 'string') return [body];
  if (Array.isArray(body)) return body.flatMap(sentIn);
  if (body && typeof body === 'object') return Object.values(body).flatMap(sentIn);
  return [];
}
