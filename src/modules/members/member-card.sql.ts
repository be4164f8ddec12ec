/**
 * The member and everything their card page shows, in two plain statements instead of eleven ORM queries (the
 * member card is a fifth of every primary chair's pages; each ORM query costs its compilation and a round trip,
 * see docs/SCALING.md). Each statement builds one JSON document; the objects are the ORM's own shapes (the same
 * fields, enums as text, dates as the same UTC instants), which tests/db/member-row.test.ts compares field by field.
 */
import { prepared, sqlPool } from '../../db';
import type { cardsOfMember } from '../cards/cards.repo';
import type { consentsOf, MemberFull, movementsOf, positionsOf } from './members.repo';

/** `json_build_object('f', alias."f", …)` for the listed columns (names as in the schema, no @map there). */
function obj(alias: string, fields: string[]): string {
  return `json_build_object(${fields.map((f) => `'${f}', ${alias}."${f}"`).join(', ')})`;
}

// prettier-ignore
const MEMBER = [
  'id', 'personId', 'organisationId', 'category', 'joinedAt', 'status', 'exitedAt', 'exitKind', 'exitNote',
  'externalId', 'version', 'createdAt', 'updatedAt',
];
// prettier-ignore
const PERSON = [
  'id', 'lastName', 'firstName', 'middleName', 'birthDate', 'gender', 'phone', 'email', 'snils',
  'lastNameKey', 'identityKey', 'depersonalisedAt', 'version', 'createdAt', 'updatedAt',
];
const ORG = ['id', 'name', 'shortName', 'path', 'kind', 'status'];
// The card periods (datemultirange) are not in the ORM's model: left out as the ORM leaves them.
// prettier-ignore
const REGISTRATION = [
  'id', 'memberId', 'organisationId', 'category', 'validFrom', 'validTo', 'startKind', 'endKind', 'gender',
  'birthDate', 'lastNameKey', 'firstName', 'middleName',
];
// prettier-ignore
const CARD = [
  'id', 'number', 'memberId', 'form', 'status', 'printedName', 'orderId', 'batchId', 'replacesId',
  'issuedAt', 'blockedAt', 'blockReason', 'createdAt', 'updatedAt',
];
// prettier-ignore
const CARD_EVENT = [
  'id', 'cardId', 'status', 'date', 'note', 'userId', 'createdAt',
];
// prettier-ignore
const MOVEMENT = [
  'id', 'memberId', 'kind', 'date', 'organisationId', 'otherOrganisationId', 'note', 'createdById',
  'createdAt',
];
// prettier-ignore
const CONSENT = [
  'id', 'personId', 'kind', 'givenAt', 'withdrawnAt', 'textVersion', 'createdAt',
];
// prettier-ignore
const POSITION = [
  'id', 'personId', 'organisationId', 'kind', 'title', 'startDate', 'endDate', 'isPaid', 'isElected',
  'createdAt', 'gender', 'birthDate',
];

/** The member with person, organisation, registrations (newest first) and the card in use (as memberInclude). */
const MEMBER_SQL = `SELECT json_build_object(${MEMBER.map((f) => `'${f}', m."${f}"`).join(', ')},
    'person', (SELECT ${obj('p', PERSON)} FROM "Person" p WHERE p.id = m."personId"),
    'organisation', (SELECT ${obj('o', ORG)} FROM "Organisation" o WHERE o.id = m."organisationId"),
    'registrations', coalesce((SELECT json_agg(${obj('r', REGISTRATION)} ORDER BY r."validFrom" DESC)
      FROM "Registration" r WHERE r."memberId" = m.id), '[]'),
    'cards', coalesce((SELECT json_agg(x.c) FROM (SELECT ${obj('c', CARD)} AS c FROM "Card" c
      WHERE c."memberId" = m.id AND c.status <> 'BLOCKED' ORDER BY c."createdAt" DESC LIMIT 1) x), '[]'))::text AS doc
  FROM "Member" m WHERE m.id = $1::uuid`;

/** What the card page adds: movements, consents, positions (with their organisation), all cards with events. */
const EXTRAS_SQL = `SELECT json_build_object(
    'movements', coalesce((SELECT json_agg(${obj('v', MOVEMENT)} ORDER BY v.date, v."createdAt")
      FROM "Movement" v WHERE v."memberId" = $1::uuid), '[]'),
    'consents', coalesce((SELECT json_agg(${obj('k', CONSENT)} ORDER BY k.kind, k."givenAt" DESC)
      FROM "Consent" k WHERE k."personId" = $2::uuid), '[]'),
    'positions', coalesce((SELECT json_agg((${obj('s', POSITION)}::jsonb || jsonb_build_object('organisation',
        (SELECT ${obj('o', ['id', 'name', 'shortName', 'path'])} FROM "Organisation" o WHERE o.id = s."organisationId")))
        ORDER BY s."startDate" DESC)
      FROM "Position" s WHERE s."personId" = $2::uuid), '[]'),
    'cards', coalesce((SELECT json_agg((${obj('c', CARD)}::jsonb || jsonb_build_object('events',
        coalesce((SELECT jsonb_agg(${obj('e', CARD_EVENT)}::jsonb ORDER BY e.date, e."createdAt")
          FROM "CardEvent" e WHERE e."cardId" = c.id), '[]'::jsonb))) ORDER BY c."createdAt" DESC)
      FROM "Card" c WHERE c."memberId" = $1::uuid), '[]'))::text AS doc`;

const DATE_FIELDS = new Set([
  'joinedAt',
  'exitedAt',
  'createdAt',
  'updatedAt',
  'birthDate',
  'depersonalisedAt',
  'validFrom',
  'validTo',
  'issuedAt',
  'blockedAt',
  'date',
  'givenAt',
  'withdrawnAt',
  'startDate',
  'endDate',
]);

/**
 * Dates back to the ORM's instants: a `date` column comes as 2026-12-03 (midnight UTC), a timestamp without time
 * zone as 2026-12-03T10:00:00.123 (UTC, as the ORM stores it).
 */
function revive(key: string, v: unknown): unknown {
  if (typeof v === 'string' && DATE_FIELDS.has(key) && /^\d{4}-\d\d-\d\d/.test(v))
    return new Date(v.length === 10 ? `${v}T00:00:00Z` : `${v}Z`);
  return v;
}

async function doc<T>(text: string, values: unknown[]): Promise<T | undefined> {
  const { rows } = await sqlPool().query<{ doc: string }>(prepared(text, values));
  return rows[0] ? (JSON.parse(rows[0].doc, revive) as T) : undefined;
}

/** The member as memberInclude reads it (members.repo), or undefined; the id must be a uuid. */
export async function memberDoc(id: string): Promise<MemberFull | undefined> {
  return doc<MemberFull>(MEMBER_SQL, [id]);
}

export interface MemberCardExtras {
  movements: Awaited<ReturnType<typeof movementsOf>>;
  consents: Awaited<ReturnType<typeof consentsOf>>;
  positions: Awaited<ReturnType<typeof positionsOf>>;
  cards: Awaited<ReturnType<typeof cardsOfMember>>;
}

/** The card page's lists of one member (movementsOf, consentsOf, positionsOf, cardsOfMember in one statement). */
export async function memberCardExtras(memberId: string, personId: string): Promise<MemberCardExtras> {
  return (await doc<MemberCardExtras>(EXTRAS_SQL, [memberId, personId]))!;
}
