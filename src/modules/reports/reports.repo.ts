import fs from 'node:fs';
import path from 'node:path';
import { db, withTransaction, type Tx } from '../../db';
import type { Prisma, ReportStatus } from '../../generated/prisma/client';
import { toDate } from '../../lib/dates';
import type { Definition, Values } from './template';
import { validateDefinition } from './template';

export const TEMPLATES_DIR = path.resolve(__dirname, '../../../prisma/data/report-templates');

export async function activeTemplates() {
  return db().reportTemplate.findMany({ where: { active: true }, orderBy: { code: 'asc' } });
}

export async function templateByCode(code: string) {
  return db().reportTemplate.findFirst({ where: { code, active: true } });
}

export async function templateById(id: string) {
  return db().reportTemplate.findUnique({ where: { id } });
}

/** Stores a new version of a form; the previous version stays for the reports made with it. */
export async function insertTemplateVersion(def: Definition) {
  return db().$transaction(async (tx) => {
    const last = await tx.reportTemplate.findFirst({ where: { code: def.code }, orderBy: { version: 'desc' } });
    await tx.reportTemplate.updateMany({ where: { code: def.code, active: true }, data: { active: false } });
    return tx.reportTemplate.create({
      data: {
        code: def.code,
        version: (last?.version ?? 0) + 1,
        title: def.title,
        level: def.level,
        appliesTo: def.appliesTo ?? undefined,
        definition: def,
      },
    });
  });
}

/** The shipped forms (prisma/data/report-templates/*.json) are loaded once, when their code is not in the database. */
export async function loadShippedTemplates(): Promise<string[]> {
  const loaded: string[] = [];
  for (const f of fs
    .readdirSync(TEMPLATES_DIR)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const v = validateDefinition(JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, f), 'utf8')));
    if (!v.ok) throw new Error(`Шаблон ${f}: ${v.errors.join('; ')}`);
    if (await db().reportTemplate.findFirst({ where: { code: v.def.code } })) continue;
    await insertTemplateVersion(v.def);
    loaded.push(v.def.code);
  }
  return loaded;
}

export async function campaigns() {
  return db().reportCampaign.findMany({ orderBy: { reportDate: 'desc' } });
}

export async function findCampaign(id: string) {
  return db().reportCampaign.findUnique({ where: { id } });
}

export async function openCampaign() {
  return db().reportCampaign.findFirst({ where: { status: 'OPEN' }, orderBy: { reportDate: 'desc' } });
}

export async function insertCampaign(c: { title: string; reportDate: string; deadline: string }) {
  return db().reportCampaign.create({
    data: { title: c.title, reportDate: toDate(c.reportDate), deadline: toDate(c.deadline) },
  });
}

export async function closeCampaignRow(id: string) {
  await db().reportCampaign.update({ where: { id }, data: { status: 'CLOSED', closedAt: new Date() } });
}

/**
 * Reopens a closed campaign (the central office undoing a close): the saved rollups of its date go, since the
 * reports may change again; they are built anew when it closes. Refused while another campaign is open.
 */
export async function reopenCampaignRow(id: string, after: (tx: Tx) => Promise<void>): Promise<boolean> {
  return db().$transaction(async (tx) => {
    // Serialise with an open/reopen of another campaign: one open campaign at a time.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('report-campaign-open'))`;
    const other = await tx.reportCampaign.findFirst({ where: { status: 'OPEN', id: { not: id } } });
    if (other) return false;
    const c = await tx.reportCampaign.update({ where: { id }, data: { status: 'OPEN', closedAt: null } });
    await tx.indicatorRollup.deleteMany({ where: { asOf: c.reportDate } });
    await after(tx);
    return true;
  });
}

export async function findReport(campaignId: string, organisationId: string) {
  return db().report.findUnique({
    where: { campaignId_organisationId: { campaignId, organisationId } },
    include: { template: true },
  });
}

export async function createReport(tx: Tx | undefined, campaignId: string, organisationId: string, templateId: string) {
  return (tx ?? db()).report.upsert({
    where: { campaignId_organisationId: { campaignId, organisationId } },
    create: { campaignId, organisationId, templateId },
    update: {},
    include: { template: true },
  });
}

/** Optimistic update of a report: false when someone changed it meanwhile. */
export async function updateReport(
  tx: Tx,
  id: string,
  version: number,
  data: {
    status?: ReportStatus;
    entered?: Values;
    frozen?: Values | null;
    comment?: string | null;
    submittedAt?: Date;
    acceptedAt?: Date | null;
  },
) {
  const r = await tx.report.updateMany({
    where: { id, version },
    data: {
      ...data,
      version: { increment: 1 },
      entered: data.entered,
      frozen:
        data.frozen === null
          ? (null as unknown as Prisma.InputJsonValue)
          : (data.frozen as Prisma.InputJsonValue | undefined),
    },
  });
  return r.count === 1;
}

/** Reports of a campaign for a set of organisations. */
export async function reportsFor(campaignId: string, orgIds: string[]) {
  return db().report.findMany({
    where: { campaignId, organisationId: { in: orgIds } },
    include: { template: { select: { code: true } } },
  });
}

/** The reporting units directly below an organisation (its child organisations that are not sub-units). */
export async function childUnits(orgId: string) {
  return db().organisation.findMany({
    where: { parentId: orgId, status: 'ACTIVE', kind: { notIn: ['PROFBURO', 'PROFGROUP'] } },
    select: {
      id: true,
      name: true,
      shortName: true,
      kind: true,
      path: true,
      hasTerritorialRights: true,
      institutionType: true,
    },
    orderBy: { nameKey: 'asc' },
  });
}

/** Every reporting unit of a subtree with its report status in a campaign (for the status list and the API). */
export async function subtreeStatuses(campaignId: string, path: string) {
  return db().$queryRaw<
    {
      id: string;
      name: string;
      kind: string;
      depth: number;
      status: string | null;
      reportId: string | null;
      formCode: string | null;
    }[]
  >`
    SELECT o.id::text AS id, coalesce(o."shortName", o.name) AS name, o.kind::text AS kind, o.depth, r.status::text AS status, r.id::text AS "reportId", t.code AS "formCode"
    FROM "Organisation" o
    LEFT JOIN "Report" r ON r."organisationId" = o.id AND r."campaignId" = ${campaignId}::uuid
    LEFT JOIN "ReportTemplate" t ON t.id = r."templateId"
    WHERE o.path LIKE ${path} || '%' AND o.status = 'ACTIVE' AND o.kind NOT IN ('PROFBURO', 'PROFGROUP')
    ORDER BY o.depth, o."nameKey" LIMIT 5000`;
}

/** Replaces the rollups of a date in one transaction, in a few bulk statements (unnest of arrays). */
export async function saveRollup(asOf: string, rows: { organisationId: string; values: object }[]) {
  await withTransaction(async (c) => {
    await c.query('DELETE FROM "IndicatorRollup" WHERE "asOf" = $1::date', [asOf]);
    for (let i = 0; i < rows.length; i += 20000) {
      const part = rows.slice(i, i + 20000);
      await c.query(
        `INSERT INTO "IndicatorRollup" ("organisationId", "asOf", "values") SELECT u, $1::date, v FROM unnest($2::uuid[], $3::jsonb[]) AS t(u, v)`,
        [asOf, part.map((r) => r.organisationId), part.map((r) => JSON.stringify(r.values))],
      );
    }
  });
}

export async function readRollup(asOf: string, organisationId: string) {
  return db().indicatorRollup.findUnique({ where: { asOf_organisationId: { asOf: toDate(asOf), organisationId } } });
}

export async function unitPaths(path: string) {
  return db().organisation.findMany({
    where: { path: { startsWith: path }, kind: { notIn: ['PROFBURO', 'PROFGROUP'] } },
    select: { id: true, path: true },
  });
}
