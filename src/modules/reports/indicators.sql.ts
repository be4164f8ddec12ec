/**
 * The registry indicators of the statistical forms as SQL (run by indicators.repo.ts through the pg pool, so the
 * parameters are positional). Every query takes the same two:
 *   $1  asOf   the date the figures are for ('YYYY-MM-DD');
 *   $2  scope  a subtree path (`o.path LIKE $2 || '%'`) or the reporting units' ids (`o."unitId" = ANY($2)`),
 *              written into the query by scopeWhere().
 * Each answers a row per reporting unit (`unit` = Organisation.unitId) or, for a subtree's total, one row
 * (`unit` = 'total'): the sums are made in SQL, not in Node.
 */

export type Scope = { path: string } | { unitIds: string[] };

/** The scope's condition on the organisation `alias`, and the value bound as $2. */
export function scopeWhere(scope: Scope, alias: string): { sql: string; param: string | string[] } {
  return 'path' in scope
    ? { sql: `${alias}.path LIKE $2 || '%'`, param: scope.path }
    : { sql: `${alias}."unitId" = ANY($2::uuid[])`, param: scope.unitIds };
}

/** A row per reporting unit, or one row for the whole scope. */
export interface Grouping {
  unit: string;
  by: string;
}
export const grouping = (total: boolean): Grouping =>
  total ? { unit: `'total'`, by: '' } : { unit: 'o."unitId"', by: 'GROUP BY o."unitId"' };

const MEMBER_COLS = [
  'members_total',
  'members_working',
  'members_students',
  'members_pensioners',
  'members_women',
  'members_gender_unknown',
  'members_youth',
  'members_working_women',
  'members_working_youth',
  'cards_plastic',
  'cards_virtual',
];

/** Registrations valid on $1 in the organisations of the scope, counted per organisation (int sums stay bigint). */
const PER_ORG_SQL = (scopeSql: string) => `
  per_org AS (
    SELECT o."unitId" AS u, count(*)::int AS members_total,
      count(*) FILTER (WHERE r.category = 'WORKING')::int AS members_working,
      count(*) FILTER (WHERE r.category = 'STUDENT')::int AS members_students,
      count(*) FILTER (WHERE r.category = 'PENSIONER')::int AS members_pensioners,
      count(*) FILTER (WHERE r.gender = 'FEMALE')::int AS members_women,
      -- Members without a recorded gender are counted as «пол не указан», so women + men + unknown = total.
      count(*) FILTER (WHERE r.gender IS NULL)::int AS members_gender_unknown,
      count(*) FILTER (WHERE r."birthDate" > ($1::date - interval '35 years')::date)::int AS members_youth,
      count(*) FILTER (WHERE r.category = 'WORKING' AND r.gender = 'FEMALE')::int AS members_working_women,
      count(*) FILTER (WHERE r.category = 'WORKING' AND r."birthDate" > ($1::date - interval '35 years')::date)::int AS members_working_youth,
      -- A member holds at most one valid card on any date (a card is blocked before its reissue): cards_total is
      -- their sum.
      count(*) FILTER (WHERE r."cardPlastic" @> $1::date)::int AS cards_plastic,
      count(*) FILTER (WHERE r."cardVirtual" @> $1::date)::int AS cards_virtual
    FROM "Organisation" o JOIN "Registration" r ON r."organisationId" = o.id
    WHERE ${scopeSql} AND r."validFrom" <= $1::date AND (r."validTo" IS NULL OR r."validTo" > $1::date)
    GROUP BY o.id),
  -- The reporting units in scope; a primary organisation existing on the date is checked for size.
  units AS (
    SELECT o.id, (o.kind = 'PRIMARY' AND coalesce(o."foundedAt", o."createdAt"::date) <= $1::date
                  AND (o.status = 'ACTIVE' OR o."excludedAt" > $1::date)) AS counted_primary
    FROM "Organisation" o WHERE ${scopeSql} AND o.id = o."unitId")`;

/** One row for the whole scope: sums over the organisations, and the small primaries from per-unit totals. */
export const MEMBERS_TOTAL_SQL = (scopeSql: string) => `
  WITH ${PER_ORG_SQL(scopeSql)},
  unit_n AS (SELECT u, sum(members_total) AS n FROM per_org GROUP BY u),
  small AS (
    SELECT count(*) FILTER (WHERE coalesce(n.n, 0) < 15) AS small, count(*) FILTER (WHERE n.u IS NULL) AS empty
    FROM units un LEFT JOIN unit_n n ON n.u = un.id WHERE un.counted_primary)
  SELECT 'total' AS unit, ${MEMBER_COLS.map((c) => `sum(${c}) AS ${c}`).join(', ')}, sum(cards_plastic + cards_virtual) AS cards_total,
    (SELECT small FROM small) AS org_primary_small, (SELECT empty FROM small) AS org_primary_empty
  FROM per_org`;

/** A row per reporting unit: units without members on the date come from the FULL JOIN with the units in scope. */
export const MEMBERS_PER_UNIT_SQL = (scopeSql: string) => `
  WITH ${PER_ORG_SQL(scopeSql)},
  per_unit AS (SELECT u, ${MEMBER_COLS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM per_org GROUP BY u)
  SELECT coalesce(pu.u, un.id) AS unit, ${MEMBER_COLS.map((c) => `pu.${c}`).join(', ')}, pu.cards_plastic + pu.cards_virtual AS cards_total,
    (un.counted_primary AND coalesce(pu.members_total, 0) < 15)::int AS org_primary_small,
    (un.counted_primary AND pu.u IS NULL)::int AS org_primary_empty
  FROM per_unit pu FULL JOIN units un ON un.id = pu.u`;

/** Movements in the year before the date: admitted, exits by reason, transfers across reporting units. */
export const MOVEMENTS_SQL = (scopeSql: string, g: Grouping) => `
  SELECT ${g.unit} AS unit,
    count(*) FILTER (WHERE v.kind = 'JOINED') AS admitted,
    count(*) FILTER (WHERE v.kind::text LIKE 'EXIT_%') AS exits_total,
    count(*) FILTER (WHERE v.kind = 'EXIT_VOLUNTARY') AS exits_voluntary,
    count(*) FILTER (WHERE v.kind = 'EXIT_EXCLUDED') AS exits_excluded,
    count(*) FILTER (WHERE v.kind = 'EXIT_DISMISSED') AS exits_dismissed,
    count(*) FILTER (WHERE v.kind = 'EXIT_GRADUATED') AS exits_graduated,
    count(*) FILTER (WHERE v.kind = 'EXIT_DIED') AS exits_died,
    count(*) FILTER (WHERE v.kind = 'TRANSFER_IN' AND ot."unitId" IS DISTINCT FROM o."unitId") AS transfers_in,
    count(*) FILTER (WHERE v.kind = 'TRANSFER_OUT' AND ot."unitId" IS DISTINCT FROM o."unitId") AS transfers_out
  FROM "Movement" v JOIN "Organisation" o ON o.id = v."organisationId"
  LEFT JOIN "Organisation" ot ON ot.id = v."otherOrganisationId"
  WHERE ${scopeSql} AND v.date >= ($1::date - interval '1 year') AND v.date < $1::date
  ${g.by}`;

/** Organisations existing on the date: primaries (reporting units) by institution type, and the other levels. */
export const ORGANISATIONS_SQL = (scopeSql: string, g: Grouping) => `
  SELECT ${g.unit} AS unit,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId") AS org_primary,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."hasTerritorialRights") AS org_primary_territorial_rights,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."institutionType" = 'DOO') AS org_primary_doo,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."institutionType" = 'OO') AS org_primary_oo,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."institutionType" = 'UDO') AS org_primary_udo,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."institutionType" = 'POO') AS org_primary_poo,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."institutionType" = 'OOVO') AS org_primary_oovo,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."institutionType" = 'SCIENCE') AS org_primary_science,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND o."institutionType" = 'AUTHORITY') AS org_primary_authority,
    count(*) FILTER (WHERE o.kind = 'PRIMARY' AND o.id = o."unitId" AND (o."institutionType" = 'OTHER' OR o."institutionType" IS NULL)) AS org_primary_other,
    count(*) FILTER (WHERE o.kind = 'TERRITORIAL') AS org_territorial,
    count(*) FILTER (WHERE o.kind = 'PROFBURO') AS org_profburo,
    count(*) FILTER (WHERE o.kind = 'PROFGROUP') AS org_profgroup
  FROM "Organisation" o
  WHERE ${scopeSql} AND coalesce(o."foundedAt", o."createdAt"::date) <= $1::date AND (o.status = 'ACTIVE' OR o."excludedAt" > $1::date)
  ${g.by}`;

/** Positions held on the date: the primaries' chairs by gender, age, tenure and pay, and the other elected posts. */
export const POSITIONS_SQL = (scopeSql: string, g: Grouping) => `
  SELECT ${g.unit} AS unit,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId") AS chairs,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q.gender = 'FEMALE') AS chairs_women,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q.gender = 'MALE') AS chairs_men,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q.gender IS NULL) AS chairs_gender_unknown,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q."birthDate" > $1::date - interval '35 years') AS chairs_age_under35,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q."birthDate" <= $1::date - interval '35 years' AND q."birthDate" > $1::date - interval '55 years') AS chairs_age_35_55,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q."birthDate" <= $1::date - interval '55 years') AS chairs_age_over55,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q."startDate" > $1::date - interval '5 years') AS chairs_tenure_under5,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q."startDate" <= $1::date - interval '5 years' AND q."startDate" > $1::date - interval '10 years') AS chairs_tenure_5_10,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q."startDate" <= $1::date - interval '10 years') AS chairs_tenure_over10,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND q."isPaid") AS chairs_paid,
    count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND NOT q."isPaid") AS chairs_volunteer,
    count(*) FILTER (WHERE q.kind = 'COMMITTEE_MEMBER') AS committee_members,
    count(*) FILTER (WHERE q.kind = 'AUDIT_COMMISSION_MEMBER') AS audit_members,
    count(*) FILTER (WHERE q.kind = 'PROFGROUP_ORGANISER') AS profgroup_organisers,
    count(*) FILTER (WHERE q.kind = 'PROFBURO_CHAIR') AS profburo_chairs,
    count(*) FILTER (WHERE q.kind = 'SAFETY_REPRESENTATIVE') AS safety_reps,
    count(*) FILTER (WHERE q.kind = 'REGISTRY_OFFICER') AS registry_officers,
    count(*) FILTER (WHERE q.kind = 'STAFF' AND q."isPaid") AS paid_staff,
    count(*) FILTER (WHERE q.kind = 'STAFF' AND q."isPaid" AND q."isElected") AS paid_staff_elected
  FROM "Position" q JOIN "Organisation" o ON o.id = q."organisationId"
  WHERE ${scopeSql} AND q."startDate" <= $1::date AND (q."endDate" IS NULL OR q."endDate" >= $1::date)
  ${g.by}`;
