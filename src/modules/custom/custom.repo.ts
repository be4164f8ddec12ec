import { db, readPool } from '../../db';
import type { Prisma } from '../../generated/prisma/client';
import { POSITION_LABELS } from '../members/members.input';

/** A position's kind as people name it (never the code), bound into the SQL as literals from our own table. */
const POSITION_SQL = `CASE q.kind ${Object.entries(POSITION_LABELS)
  .map(([k, v]) => `WHEN '${k}' THEN '${v.replace(/'/g, "''")}'`)
  .join(' ')} ELSE '' END`;

export interface Params {
  subject: 'members' | 'activists';
  asOf: string;
  category?: string;
  gender?: string;
  age?: 'under35' | '35to55' | 'over55';
  institutionType?: string;
  position?: string;
  card?: 'yes' | 'no';
  consent?: 'bonus' | 'messaging';
  joinedFrom?: string;
  joinedTo?: string;
  exitedFrom?: string;
  exitedTo?: string;
  columns: string[];
  group: boolean;
}

export const COLUMNS: Record<string, { label: string; sql: string }> = {
  name: { label: 'ФИО', sql: `concat_ws(' ', p."lastName", p."firstName", p."middleName")` },
  birthDate: { label: 'Дата рождения', sql: `to_char(p."birthDate", 'DD.MM.YYYY')` },
  gender: { label: 'Пол', sql: `CASE p.gender WHEN 'FEMALE' THEN 'Ж' WHEN 'MALE' THEN 'М' ELSE '' END` },
  category: {
    label: 'Категория',
    sql: `CASE coalesce(r.category, m.category) WHEN 'WORKING' THEN 'работающий' WHEN 'STUDENT' THEN 'обучающийся' WHEN 'PENSIONER' THEN 'пенсионер' ELSE '' END`,
  },
  organisation: { label: 'Организация', sql: `coalesce(o."shortName", o.name)` },
  joinedAt: { label: 'В Профсоюзе с', sql: `to_char(m."joinedAt", 'DD.MM.YYYY')` },
  exitedAt: { label: 'Выбыл', sql: `coalesce(to_char(m."exitedAt", 'DD.MM.YYYY'), '')` },
  position: { label: 'Должность', sql: POSITION_SQL },
  card: {
    label: 'Билет',
    sql: `coalesce((SELECT c.number FROM "Card" c WHERE c."memberId" = m.id AND c.status = 'ISSUED' LIMIT 1), '')`,
  },
  phone: { label: 'Телефон', sql: `coalesce(p.phone, '')` },
  email: { label: 'Эл. почта', sql: `coalesce(p.email, '')` },
};

/**
 * The FROM/WHERE of a custom report, with every value bound as a parameter and the subtree as the first:
 * members registered in the subtree on the date (or, with an exit window, those who left in it), or the
 * профактив holding a position there on the date.
 */
export function build(path: string, prm: Params): { from: string; params: unknown[] } {
  const params: unknown[] = [path, prm.asOf];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [`o.path LIKE $1 || '%'`];
  let from: string;
  if (prm.subject === 'activists') {
    // The membership of an activist is joined only when it is registered in the subtree too: an activist whose
    // membership is in another region shows nothing of it (card, dates, category), nor is filtered by it.
    from = `"Position" q JOIN "Organisation" o ON o.id = q."organisationId" JOIN "Person" p ON p.id = q."personId"
      LEFT JOIN ("Member" m JOIN "Organisation" mo ON mo.id = m."organisationId" AND mo.path LIKE $1 || '%')
        ON m."personId" = p.id AND m.status = 'ACTIVE'
      LEFT JOIN "Registration" r ON false`;
    where.push(`q."startDate" <= $2::date AND (q."endDate" IS NULL OR q."endDate" >= $2::date)`);
    if (prm.position) where.push(`q.kind = ${add(prm.position)}::"PositionKind"`);
  } else if (prm.exitedFrom || prm.exitedTo) {
    from = `"Member" m JOIN "Person" p ON p.id = m."personId" JOIN "Organisation" o ON o.id = m."organisationId" LEFT JOIN "Position" q ON false LEFT JOIN "Registration" r ON false`;
    where.push(`m.status = 'EXITED'`, `$2::date IS NOT NULL`); // every parameter must be typed, also the unused date
    if (prm.exitedFrom) where.push(`m."exitedAt" >= ${add(prm.exitedFrom)}::date`);
    if (prm.exitedTo) where.push(`m."exitedAt" <= ${add(prm.exitedTo)}::date`);
  } else {
    from = `"Registration" r JOIN "Member" m ON m.id = r."memberId" JOIN "Person" p ON p.id = m."personId" JOIN "Organisation" o ON o.id = r."organisationId" LEFT JOIN "Position" q ON false`;
    where.push(`r."validFrom" <= $2::date AND (r."validTo" IS NULL OR r."validTo" > $2::date)`);
  }
  // The category on the date for members registered then (a later change does not move them); the current one otherwise.
  if (prm.category) where.push(`coalesce(r.category, m.category) = ${add(prm.category)}::"Category"`);
  if (prm.gender) where.push(`p.gender = ${add(prm.gender)}::"Gender"`);
  // The copies on the registration or position first: they keep what the forms count for a depersonalised person.
  const born = `coalesce(r."birthDate", q."birthDate", p."birthDate")`;
  if (prm.age === 'under35') where.push(`${born} > $2::date - interval '35 years'`);
  if (prm.age === '35to55')
    where.push(`${born} <= $2::date - interval '35 years' AND ${born} > $2::date - interval '55 years'`);
  if (prm.age === 'over55') where.push(`${born} <= $2::date - interval '55 years'`);
  if (prm.institutionType)
    where.push(
      `EXISTS (SELECT 1 FROM "Organisation" u WHERE u.id = o."unitId" AND u."institutionType" = ${add(prm.institutionType)}::"InstitutionType")`,
    );
  if (prm.card === 'yes')
    where.push(
      `EXISTS (SELECT 1 FROM "Card" c WHERE c."memberId" = m.id AND c."issuedAt" <= $2::date AND (c."blockedAt" IS NULL OR c."blockedAt" > $2::date))`,
    );
  if (prm.card === 'no')
    where.push(
      `NOT EXISTS (SELECT 1 FROM "Card" c WHERE c."memberId" = m.id AND c."issuedAt" <= $2::date AND (c."blockedAt" IS NULL OR c."blockedAt" > $2::date))`,
    );
  if (prm.consent)
    where.push(
      `EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = p.id AND k.kind = ${add(prm.consent === 'bonus' ? 'BONUS_PROGRAMME' : 'MESSAGING')}::"ConsentKind" AND k."givenAt" <= $2::date AND (k."withdrawnAt" IS NULL OR k."withdrawnAt" > $2::date))`,
    );
  if (prm.joinedFrom) where.push(`m."joinedAt" >= ${add(prm.joinedFrom)}::date`);
  if (prm.joinedTo) where.push(`m."joinedAt" <= ${add(prm.joinedTo)}::date`);
  return { from: `${from} WHERE ${where.join(' AND ')}`, params };
}

/**
 * The FROM/WHERE for counting members registered on the date, without Member or Person unless a filter needs them:
 * gender, birth date and card periods are read from their copies on Registration, so a union-wide count is one
 * pass over the as-of index. The same rows as build() (tests compare them).
 */
function countFrom(path: string, prm: Params): { from: string; params: unknown[] } {
  const params: unknown[] = [path, prm.asOf];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [
    `o.path LIKE $1 || '%'`,
    `r."validFrom" <= $2::date AND (r."validTo" IS NULL OR r."validTo" > $2::date)`,
  ];
  const needMember = !!(prm.joinedFrom || prm.joinedTo || prm.consent);
  let from = `"Registration" r JOIN "Organisation" o ON o.id = r."organisationId"`;
  if (needMember) from += ` JOIN "Member" m ON m.id = r."memberId"`;
  if (prm.institutionType) from += ` JOIN "Organisation" u ON u.id = o."unitId"`;
  if (prm.category) where.push(`r.category = ${add(prm.category)}::"Category"`);
  if (prm.gender) where.push(`r.gender = ${add(prm.gender)}::"Gender"`);
  if (prm.age === 'under35') where.push(`r."birthDate" > $2::date - interval '35 years'`);
  if (prm.age === '35to55')
    where.push(`r."birthDate" <= $2::date - interval '35 years' AND r."birthDate" > $2::date - interval '55 years'`);
  if (prm.age === 'over55') where.push(`r."birthDate" <= $2::date - interval '55 years'`);
  if (prm.institutionType) where.push(`u."institutionType" = ${add(prm.institutionType)}::"InstitutionType"`);
  const holds = `coalesce(r."cardPlastic" @> $2::date OR r."cardVirtual" @> $2::date, false)`;
  if (prm.card === 'yes') where.push(holds);
  if (prm.card === 'no') where.push(`NOT ${holds}`);
  if (prm.consent)
    where.push(
      `EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = m."personId" AND k.kind = ${add(prm.consent === 'bonus' ? 'BONUS_PROGRAMME' : 'MESSAGING')}::"ConsentKind" AND k."givenAt" <= $2::date AND (k."withdrawnAt" IS NULL OR k."withdrawnAt" > $2::date))`,
    );
  if (prm.joinedFrom) where.push(`m."joinedAt" >= ${add(prm.joinedFrom)}::date`);
  if (prm.joinedTo) where.push(`m."joinedAt" <= ${add(prm.joinedTo)}::date`);
  return { from: `${from} WHERE ${where.join(' AND ')}`, params };
}

/** How many, and (with `group`) how many under each child organisation: one grouped query, the total its sum. */
export async function countAndGroups(path: string, depth: number, prm: Params) {
  const onDate = prm.subject === 'members' && !prm.exitedFrom && !prm.exitedTo;
  const { from, params } = onDate ? countFrom(path, prm) : build(path, prm);
  const r = await readPool().query<{ child: string; n: string }>(
    `SELECT split_part(o.path, '/', ${depth + 3}) AS child, count(*) AS n FROM ${from} GROUP BY 1`,
    params,
  );
  const total = r.rows.reduce((s, x) => s + Number(x.n), 0);
  let groups: { id: string; name: string; n: number }[] = [];
  if (prm.group) {
    const ids = r.rows.map((x) => x.child).filter(Boolean);
    const names = await db().organisation.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, shortName: true, nameKey: true },
    });
    const by = new Map(r.rows.map((x) => [x.child, Number(x.n)]));
    groups = names
      .sort((a, b) => (a.nameKey < b.nameKey ? -1 : 1))
      .map((o) => ({ id: o.id, name: o.shortName ?? o.name, n: by.get(o.id) ?? 0 }));
    const own = by.get('') ?? 0;
    if (own) groups.unshift({ id: '', name: 'Сама организация', n: own });
  }
  return { total, groups };
}

/**
 * The report's rows, by name. Members on a date: the page of registrations is found first from their copies
 * (name, gender, birth date, card periods; countFrom, sorted by the name copied onto each registration, no join to
 * the people), then only those rows are read in full: a region's report no longer sorts all its people.
 */
export async function rows(path: string, prm: Params, limit: number, offset = 0) {
  const { from, params } = build(path, prm);
  const cols = prm.columns.filter((c) => COLUMNS[c]);
  const sel = cols.map((c) => `${COLUMNS[c].sql} AS "${c}"`).join(', ') || `''::text AS name`;
  if (prm.subject === 'members' && !prm.exitedFrom && !prm.exitedTo) {
    const page = countFrom(path, prm);
    // The members' ids only: every column the page is chosen by is in the name index, so the walk never reads
    // the table (a region's "women under 35" read 30,000 rows of it: 1.4 s, now ~0.1 s). A member has one
    // registration on a date, so the member's id names it.
    const ids = await readPool().query<{ id: string }>(
      `SELECT r."memberId" AS id FROM ${page.from} ORDER BY r."lastNameKey" COLLATE "C", r."firstName" COLLATE "C",
        r."middleName" COLLATE "C", r."memberId" LIMIT ${limit} OFFSET ${offset}`,
      page.params,
    );
    if (!ids.rows.length) return [];
    const full = await readPool().query(
      `SELECT ${sel} FROM ${from} AND r."memberId" = ANY($${params.length + 1}::uuid[])
       ORDER BY r."lastNameKey" COLLATE "C", r."firstName" COLLATE "C", r."middleName" COLLATE "C", r."memberId"`,
      [...params, ids.rows.map((x) => x.id)],
    );
    return full.rows as Record<string, string>[];
  }
  const r = await readPool().query(
    `SELECT ${sel} FROM ${from} ORDER BY p."lastNameKey", p."firstName", p.id LIMIT ${limit} OFFSET ${offset}`,
    params,
  );
  return r.rows as Record<string, string>[];
}

export async function saveReport(data: Prisma.SavedReportUncheckedCreateInput) {
  return db().savedReport.create({ data });
}
export async function savedReports(userId: string, orgId: string) {
  return db().savedReport.findMany({ where: { userId, organisationId: orgId }, orderBy: { createdAt: 'desc' } });
}
export async function findSaved(id: string, userId: string) {
  return db().savedReport.findFirst({ where: { id, userId } });
}
