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

export function valuesOf(
  s: Side,
  person: Pick<Values, 'lastName' | 'firstName' | 'middleName' | 'birthDate' | 'email' | 'login'>,
): Values {
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

/** Every value a body built from `v` may carry: what the answer may echo. */
export const sentOf = (v: Values): string[] => Object.values(v);

/** The value a field of this name takes (strings only; the caller wraps it for arrays). */
function byName(key: string, v: Values, format: string | undefined): string {
  const k = key.toLowerCase();
  if (format === 'email' || k.includes('email')) return v.email;
  if (format === 'datetime' || /^(closes|opens|starts|ends|expires)at$/.test(k)) return '2030-01-01T00:00:00.000Z';
  if (format === 'date' || /date$|^date|at$/.test(k)) return '2020-01-01';
  if (k === 'login') return v.login;
  if (k === 'birthdate') return v.birthDate;
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
  return built && typeof built === 'object' && !Array.isArray(built) ? (built as Record<string, unknown>) : formBody(v);
}

/** The usual form fields of the pages, each with the value its name asks for. */
export function formBody(v: Values): Record<string, string> {
  const day = (iso: string) => iso.split('-').reverse().join('.');
  return {
    // The new member form (its duplicate check and «transfer here») with the side's person typed in.
    middleName: v.middleName,
    birthDate: day(v.birthDate),
    joinedAt: '01.01.2020',
    date: '01.01.2020',
    transferDate: '01.01.2020',
    category: 'WORKING',
    consentProcessing: 'on',
    org: v.orgId,
    orgId: v.orgId,
    organisationId: v.orgId,
    toOrgId: v.orgId,
    parentId: v.orgId,
    memberId: v.memberId,
    memberIds: v.memberId,
    member: v.memberId,
    personId: v.personId,
    cardNumber: v.cardNumber,
    card: v.cardNumber,
    cardId: v.cardId,
    userId: v.userId,
    user: v.userId,
    q: v.lastName,
    lastName: v.lastName,
    firstName: v.firstName,
    title: v.lastName,
    name: v.lastName,
    fullName: v.lastName,
    subject: v.lastName,
    text: v.lastName,
    email: v.email,
    login: v.login,
    // The second step of an irreversible action (src/http/confirm.ts): the probe acts, it does not stop at «Проверьте».
    confirmed: 'yes',
  };
}
