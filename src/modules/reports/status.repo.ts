import { Prisma } from '../../generated/prisma/client';
import { db } from '../../db';

export const STATUS_FILTERS = ['none', 'DRAFT', 'SUBMITTED', 'ACCEPTED', 'RETURNED'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const REPORTING_KINDS = ['REGIONAL', 'TERRITORIAL', 'PRIMARY'] as const;
export type ReportingKind = (typeof REPORTING_KINDS)[number];

/**
 * The reporting units below an organisation (its subtree without itself, without профбюро/профгруппы) with their
 * report in a campaign: the source of both the summary and the paged list. Bound: campaign, subtree path, the
 * organisation itself.
 */
const UNITS_SQL = (campaignId: string, org: { id: string; path: string }) => Prisma.sql`
  SELECT o.id, coalesce(o."shortName", o.name) AS name, o.kind::text AS kind, o.depth, o."nameKey",
         r.status::text AS status, t.code AS "formCode"
    FROM "Organisation" o
    LEFT JOIN "Report" r ON r."organisationId" = o.id AND r."campaignId" = ${campaignId}::uuid
    LEFT JOIN "ReportTemplate" t ON t.id = r."templateId"
   WHERE o.path LIKE ${org.path + '%'} AND o.id <> ${org.id}::uuid
     AND o.status = 'ACTIVE' AND o.kind NOT IN ('PROFBURO', 'PROFGROUP')`;

/** How many units per level and status (one GROUP BY): the summary line and the pager's total. */
const SUMMARY_SQL = (units: Prisma.Sql) => Prisma.sql`
  SELECT kind, coalesce(status, 'none') AS status, count(*) AS n FROM (${units}) u GROUP BY 1, 2`;

/** One page of the list, filtered by level and status, in tree order. */
const PAGE_SQL = (
  units: Prisma.Sql,
  f: { kind?: ReportingKind; status?: StatusFilter; limit: number; offset: number },
) => Prisma.sql`
  SELECT id::text AS id, name, kind, status, "formCode" FROM (${units}) u
   WHERE (${f.kind ?? null}::text IS NULL OR kind = ${f.kind ?? null}::text)
     AND (${f.status ?? null}::text IS NULL OR coalesce(status, 'none') = ${f.status ?? null}::text)
   ORDER BY depth, "nameKey", id LIMIT ${f.limit} OFFSET ${f.offset}`;

export interface StatusRow {
  id: string;
  name: string;
  kind: string;
  status: string | null;
  formCode: string | null;
}

export async function statusPage(
  campaignId: string,
  org: { id: string; path: string },
  f: { kind?: ReportingKind; status?: StatusFilter; page: number; pageSize: number },
) {
  const units = UNITS_SQL(campaignId, org);
  const [counts, rows] = await Promise.all([
    db().$queryRaw<{ kind: string; status: StatusFilter; n: bigint }[]>(SUMMARY_SQL(units)),
    db().$queryRaw<StatusRow[]>(PAGE_SQL(units, { ...f, limit: f.pageSize, offset: (f.page - 1) * f.pageSize })),
  ]);
  const summary: Record<StatusFilter, number> = { none: 0, DRAFT: 0, SUBMITTED: 0, ACCEPTED: 0, RETURNED: 0 };
  for (const c of counts) if (!f.kind || c.kind === f.kind) summary[c.status] += Number(c.n);
  const total = f.status ? summary[f.status] : Object.values(summary).reduce((a, b) => a + b, 0);
  const kinds = [...new Set(counts.map((c) => c.kind))];
  return { rows, summary, total, kinds };
}

/** The organisation's own report status in a campaign. */
export async function ownStatus(campaignId: string, orgId: string): Promise<string | null> {
  const r = await db().report.findUnique({
    where: { campaignId_organisationId: { campaignId, organisationId: orgId } },
    select: { status: true },
  });
  return r?.status ?? null;
}
