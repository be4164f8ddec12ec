import { sqlPool } from '../../db';
import type { IndicatorValues } from './indicators';

export type Scope = { path: string } | { unitIds: string[] };

function where(scope: Scope, alias: string): { sql: string; param: string | string[] } {
  return 'path' in scope
    ? { sql: `${alias}.path LIKE $2 || '%'`, param: scope.path }
    : { sql: `${alias}."unitId" = ANY($2::uuid[])`, param: scope.unitIds };
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/**
 * Own-part indicators of every reporting unit in the scope, as of a date: five aggregate queries in SQL
 * (members, movements of the year before the date, organisations, positions, cards), whatever the size.
 * Raw SQL with the scope and the date bound as parameters.
 */
export async function unitIndicators(scope: Scope, asOf: string, opts: { total?: boolean } = {}): Promise<Map<string, IndicatorValues>> {
  const w = where(scope, 'o');
  // Per unit, or (for a subtree's total) one row: the sums are made in SQL, not in Node.
  const unit = opts.total ? `'total'` : 'o."unitId"';
  const by = opts.total ? '' : 'GROUP BY o."unitId"';
  const q = async (sql: string, ...params: unknown[]) => (await sqlPool().query(sql.replace('{{UNIT}}', unit).replace('{{BY}}', by), params)).rows as Record<string, unknown>[];
  const [members, moves, orgs, positions, cards, small] = await Promise.all([
    q(`
      SELECT {{UNIT}} AS unit, count(*) AS members_total,
        count(*) FILTER (WHERE r.category = 'WORKING') AS members_working,
        count(*) FILTER (WHERE r.category = 'STUDENT') AS members_students,
        count(*) FILTER (WHERE r.category = 'PENSIONER') AS members_pensioners,
        count(*) FILTER (WHERE r.gender = 'FEMALE') AS members_women,
        count(*) FILTER (WHERE r."birthDate" > $1::date - interval '35 years') AS members_youth,
        count(*) FILTER (WHERE r.category = 'WORKING' AND r.gender = 'FEMALE') AS members_working_women,
        count(*) FILTER (WHERE r.category = 'WORKING' AND r."birthDate" > $1::date - interval '35 years') AS members_working_youth
      FROM "Registration" r JOIN "Organisation" o ON o.id = r."organisationId"
      WHERE ${w.sql} AND r."validFrom" <= $1::date AND (r."validTo" IS NULL OR r."validTo" > $1::date)
      {{BY}}`, asOf, w.param),
    q(`
      SELECT {{UNIT}} AS unit,
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
      WHERE ${w.sql} AND v.date >= ($1::date - interval '1 year') AND v.date < $1::date
      {{BY}}`, asOf, w.param),
    q(`
      SELECT {{UNIT}} AS unit,
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
      WHERE ${w.sql} AND coalesce(o."foundedAt", o."createdAt"::date) <= $1::date AND (o.status = 'ACTIVE' OR o."excludedAt" > $1::date)
      {{BY}}`, asOf, w.param),
    q(`
      SELECT {{UNIT}} AS unit,
        count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId") AS chairs,
        count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND p.gender = 'FEMALE') AS chairs_women,
        count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND p.gender = 'MALE') AS chairs_men,
        count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND p."birthDate" > $1::date - interval '35 years') AS chairs_age_under35,
        count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND p."birthDate" <= $1::date - interval '35 years' AND p."birthDate" > $1::date - interval '55 years') AS chairs_age_35_55,
        count(*) FILTER (WHERE q.kind = 'CHAIR' AND o.id = o."unitId" AND p."birthDate" <= $1::date - interval '55 years') AS chairs_age_over55,
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
      -- Index lookups for the few position holders, not a hash of every person in the union.
      CROSS JOIN LATERAL (SELECT pp.gender, pp."birthDate" FROM "Person" pp WHERE pp.id = q."personId") p
      WHERE ${w.sql} AND q."startDate" <= $1::date AND (q."endDate" IS NULL OR q."endDate" >= $1::date)
      {{BY}}`, asOf, w.param),
    q(`
      -- A member holds at most one valid card on any date (a card is blocked before its reissue), so no DISTINCT.
      SELECT {{UNIT}} AS unit,
        count(*) FILTER (WHERE c.form = 'PLASTIC') AS cards_plastic,
        count(*) FILTER (WHERE c.form = 'VIRTUAL') AS cards_virtual,
        count(*) AS cards_total
      FROM "Registration" r JOIN "Organisation" o ON o.id = r."organisationId"
      JOIN "Card" c ON c."memberId" = r."memberId" AND c."issuedAt" <= $1::date AND (c."blockedAt" IS NULL OR c."blockedAt" > $1::date)
      WHERE ${w.sql} AND r."validFrom" <= $1::date AND (r."validTo" IS NULL OR r."validTo" > $1::date)
      {{BY}}`, asOf, w.param),
    // Primary organisations with fewer than 15 members (or none) on the date, counted per unit in SQL.
    q(`
      WITH mc AS (
        SELECT o."unitId" AS u, count(*) AS n FROM "Registration" r JOIN "Organisation" o ON o.id = r."organisationId"
        WHERE ${w.sql} AND r."validFrom" <= $1::date AND (r."validTo" IS NULL OR r."validTo" > $1::date) GROUP BY o."unitId")
      SELECT {{UNIT}} AS unit, count(*) FILTER (WHERE coalesce(mc.n, 0) < 15) AS org_primary_small, count(*) FILTER (WHERE mc.n IS NULL) AS org_primary_empty
      FROM "Organisation" o LEFT JOIN mc ON mc.u = o.id
      WHERE ${w.sql} AND o.kind = 'PRIMARY' AND o.id = o."unitId" AND coalesce(o."foundedAt", o."createdAt"::date) <= $1::date AND (o.status = 'ACTIVE' OR o."excludedAt" > $1::date)
      {{BY}}`, asOf, w.param),
  ]);
  const out = new Map<string, IndicatorValues>();
  for (const set of [members, moves, orgs, positions, cards, small]) {
    for (const row of set) {
      const unit = String(row.unit);
      const v = out.get(unit) ?? {};
      for (const [k, x] of Object.entries(row)) if (k !== 'unit') v[k] = num(x);
      out.set(unit, v);
    }
  }
  return out;
}
