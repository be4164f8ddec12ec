import crypto from 'node:crypto';
import { appKey, db, sqlPool, type Tx } from '../../db';
import type { CardForm, CardOrderStatus, CardStatus, Prisma } from '../../generated/prisma/client';
import { cardNumberFromSeq } from '../../lib/cardNumber';
import { toDate } from '../../lib/dates';
import { BATCH_BY_REGION_SQL, BATCH_FILE_SQL } from './cards.sql';
import { isVisible, type Actor } from '../../policy/actor';

/**
 * A member as the card routes need them (to list or issue their cards), when the actor can see the member's
 * organisation, else null (404). The cards' own lookup, so that cards do not import the members module (which
 * imports cards).
 */
export async function findCardHolderVisible(actor: Actor, memberId: string) {
  const m = await db().member.findUnique({
    where: { id: memberId },
    select: {
      id: true,
      status: true,
      organisationId: true,
      organisation: { select: { path: true } },
      person: { select: { lastName: true, firstName: true, middleName: true } },
    },
  });
  return m && isVisible(actor, m.organisation.path) ? m : null;
}

export async function nextCardNumbers(tx: Tx, n: number): Promise<string[]> {
  if (n === 0) return [];
  const rows = await tx.$queryRaw<
    { v: bigint }[]
  >`SELECT nextval('card_number_seq') AS v FROM generate_series(1, ${n}::int)`;
  return rows.map((r) => cardNumberFromSeq(r.v));
}

/** The key that signs QR codes, made on first use and kept in the database. */
export async function cardSigningKey(): Promise<string> {
  return appKey('card-signing');
}

export async function insertCards(
  tx: Tx,
  rows: {
    memberId: string;
    form: CardForm;
    status: CardStatus;
    printedName: string;
    orderId?: string | null;
    replacesId?: string | null;
    issuedAt?: string | null;
  }[],
  date: string,
  userId: string | null,
) {
  const numbers = await nextCardNumbers(tx, rows.length);
  const data = rows.map((r, i) => ({
    id: crypto.randomUUID(),
    number: numbers[i],
    memberId: r.memberId,
    form: r.form,
    status: r.status,
    printedName: r.printedName,
    orderId: r.orderId ?? null,
    replacesId: r.replacesId ?? null,
    issuedAt: r.issuedAt ? toDate(r.issuedAt) : null,
  }));
  await tx.card.createMany({ data });
  await tx.cardEvent.createMany({
    data: data.map((c) => ({ cardId: c.id, status: c.status, date: toDate(date), userId })),
  });
  return data;
}

export async function setCardsStatus(
  tx: Tx,
  where: Prisma.CardWhereInput,
  status: CardStatus,
  date: string,
  userId: string | null,
  extra: Prisma.CardUncheckedUpdateManyInput = {},
  note?: string,
) {
  const ids = (await tx.card.findMany({ where, select: { id: true } })).map((c) => c.id);
  if (!ids.length) return 0;
  await tx.card.updateMany({ where: { id: { in: ids } }, data: { status, ...extra } });
  await tx.cardEvent.createMany({ data: ids.map((cardId) => ({ cardId, status, date: toDate(date), userId, note })) });
  return ids.length;
}

/** Active members of a primary organisation (and its sub-units), with their non-blocked card if any. */
export async function membersForOrder(primaryPath: string, memberIds?: string[]) {
  return db().member.findMany({
    where: {
      status: 'ACTIVE',
      organisation: { path: { startsWith: primaryPath } },
      ...(memberIds ? { id: { in: memberIds } } : {}),
    },
    include: {
      person: true,
      cards: { where: { status: { not: 'BLOCKED' } } },
      organisation: { select: { name: true, shortName: true } },
    },
    orderBy: [{ person: { lastNameKey: 'asc' } }, { person: { firstName: 'asc' } }],
  });
}

/**
 * Active members of the primary organisation (and its sub-units) holding no card but a blocked one: the first
 * `limit` by name for the order form, and how many there are (a university has thousands: only a page is loaded).
 */
/**
 * The active members of a primary organisation (and its профбюро) with no card in use, by name, the first `limit`
 * and the count: the card page of every primary chair, so one plain statement (was two ORM queries, ~8 ms).
 */
const TO_ORDER_SQL = `SELECT m.id, p."lastName", p."firstName", p."middleName", o.name AS "orgName",
    o."shortName" AS "orgShortName", count(*) OVER ()::int AS total
  FROM "Organisation" o JOIN "Member" m ON m."organisationId" = o.id AND m.status = 'ACTIVE'
    JOIN "Person" p ON p.id = m."personId"
  WHERE o.path LIKE $1 || '%'
    AND NOT EXISTS (SELECT 1 FROM "Card" c WHERE c."memberId" = m.id AND c.status <> 'BLOCKED')
  ORDER BY p."lastNameKey", p."firstName", m.id
  LIMIT $2::int`;

export async function membersToOrder(primaryPath: string, limit: number) {
  const { rows } = await sqlPool().query<{
    id: string;
    lastName: string;
    firstName: string;
    middleName: string | null;
    orgName: string;
    orgShortName: string | null;
    total: number;
  }>(TO_ORDER_SQL, [primaryPath, limit]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      person: { lastName: r.lastName, firstName: r.firstName, middleName: r.middleName },
      organisation: { name: r.orgName, shortName: r.orgShortName },
    })),
    total: rows[0]?.total ?? 0,
  };
}

const orderInclude = {
  cards: { include: { member: { include: { person: true } } }, orderBy: { printedName: 'asc' as const } },
} satisfies Prisma.CardOrderInclude;
export type OrderFull = Prisma.CardOrderGetPayload<{ include: typeof orderInclude }>;

export async function findOrder(id: string): Promise<OrderFull | null> {
  return db().cardOrder.findUnique({ where: { id }, include: orderInclude });
}

/**
 * Card orders as the ORM reads them, with the count of their cards (`_count.cards`): every column, the status as
 * text, the times as the same UTC instants. In plain SQL because the card page of every chair reads them, and the
 * subtree as a path prefix (the ORM form listed every organisation id of the subtree: 78,000 for the union).
 */
const ORDER_COLUMNS = `k.id, k.number, k."organisationId", k."holderId", k.status::text AS status, k.comment, k."batchId",
    k."createdById", k."submittedAt" AT TIME ZONE 'UTC' AS "submittedAt", k."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
    k.version, (SELECT count(*) FROM "Card" c WHERE c."orderId" = k.id)::int AS "cardCount"`;

/** Orders of primary (and higher) organisations inside the path, newest number first, with their count. */
const SUBTREE_ORDERS_SQL = `SELECT ${ORDER_COLUMNS}, count(*) OVER ()::int AS total
  FROM "CardOrder" k JOIN "Organisation" o ON o.id = k."organisationId"
  WHERE o.path LIKE $1 || '%' AND o.kind IN ('PRIMARY', 'CENTRAL', 'REGIONAL', 'TERRITORIAL')
    AND ($2::text IS NULL OR k.status = $2::"CardOrderStatus")
  ORDER BY k.number DESC LIMIT $3::int OFFSET $4::int`;

/** Orders of lower organisations waiting at this one (to forward, return or pass the cards down). */
const HELD_ORDERS_SQL = `SELECT ${ORDER_COLUMNS} FROM "CardOrder" k
  WHERE k."holderId" = $1::uuid AND k.status IN ('SUBMITTED', 'FORWARDED', 'DELIVERED') AND k."organisationId" <> $1::uuid
  ORDER BY k.number ASC LIMIT 200`;

interface OrderRow {
  id: string;
  number: number;
  organisationId: string;
  holderId: string;
  status: CardOrderStatus;
  comment: string | null;
  batchId: string | null;
  createdById: string | null;
  submittedAt: Date;
  updatedAt: Date;
  version: number;
  cardCount: number;
  total?: number;
}

function orderOf({ cardCount, total: _total, ...o }: OrderRow) {
  return { ...o, _count: { cards: cardCount } };
}

/** Orders of the organisations inside `path` (primary and above, as the hub lists them), a page with the count. */
export async function ordersInSubtree(
  path: string,
  status: CardOrderStatus | undefined,
  page: number,
  pageSize: number,
) {
  const q = (p: number) =>
    sqlPool().query<OrderRow>(SUBTREE_ORDERS_SQL, [path, status ?? null, pageSize, (p - 1) * pageSize]);
  const { rows } = await q(page);
  // Past the last page the window has no row to carry the count: the first page's count (rare).
  const total = rows[0]?.total ?? (page > 1 ? ((await q(1)).rows[0]?.total ?? 0) : 0);
  return { items: rows.map(orderOf), total };
}

/** Orders of lower organisations waiting at this one: to forward, return or pass the cards down. */
export async function ordersHeldBy(orgId: string) {
  return (await sqlPool().query<OrderRow>(HELD_ORDERS_SQL, [orgId])).rows.map(orderOf);
}

export async function cardsOfMember(memberId: string) {
  return db().card.findMany({
    where: { memberId },
    orderBy: { createdAt: 'desc' },
    include: { events: { orderBy: [{ date: 'asc' }, { createdAt: 'asc' }] } },
  });
}

export async function findCard(id: string) {
  return db().card.findUnique({
    where: { id },
    include: {
      member: {
        include: { person: true, organisation: { select: { id: true, path: true, name: true, shortName: true } } },
      },
    },
  });
}

export async function findCardByNumber(number: string) {
  return db().card.findUnique({
    where: { number },
    include: {
      member: {
        include: { person: true, organisation: { select: { id: true, path: true, name: true, shortName: true } } },
      },
    },
  });
}

export async function findBatch(id: string) {
  return db().cardBatch.findUnique({ where: { id } });
}

export async function batches(page: number, pageSize: number) {
  const [items, total] = await Promise.all([
    db().cardBatch.findMany({
      orderBy: { number: 'desc' },
      skip: (page - 1) * pageSize,
      take: pageSize,
      include: { _count: { select: { cards: true, orders: true } } },
    }),
    db().cardBatch.count(),
  ]);
  return { items, total };
}

/**
 * Cards of a batch per region (the ancestor at depth 1 of the card's primary organisation), for reimbursement.
 * With `scope`, only the cards of primary organisations inside those subtrees are counted.
 */
export async function batchByRegion(batchId: string, scope?: string[]) {
  const rows = await db().$queryRaw<{ id: string; name: string; n: bigint }[]>(
    BATCH_BY_REGION_SQL(batchId, scope ?? null),
  );
  return rows.map((r) => ({ organisationId: r.id, name: r.name, count: Number(r.n) }));
}

/** Rows of the manufacturer's file: number, ФИО as printed, organisation path, region. */
export async function batchFileRows(batchId: string) {
  return db().$queryRaw<{ number: string; printedName: string; orgPath: string; region: string }[]>(
    BATCH_FILE_SQL(batchId),
  );
}
