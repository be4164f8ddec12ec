// A report's figures: the form an organisation fills, its values computed from the registry and the children's
// accepted reports, the same form live for any subtree and date, and the saved rollups.
import { db } from '../../db';
import type { OrgKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { fromDate } from '../../lib/dates';
import type { IndicatorValues } from './indicators';
import { unitIndicators } from './indicators.repo';
import { pathIds } from '../organisations/organisations.repo';
import { activeTemplates, childUnits, readRollup, reportsFor, saveRollup, unitPaths } from './reports.repo';
import { cellsOf, failedChecks, fill, validateDefinition, type Definition, type Values } from './template';

type Tpl = Awaited<ReturnType<typeof activeTemplates>>[number];
export interface OrgLite {
  id: string;
  kind: OrgKind;
  path: string;
  name: string;
  shortName: string | null;
  hasTerritorialRights: boolean;
  institutionType: string | null;
}

const LEVEL_OF: Partial<Record<OrgKind, string>> = {
  PRIMARY: 'PRIMARY',
  TERRITORIAL: 'TERRITORIAL',
  REGIONAL: 'REGIONAL',
  CENTRAL: 'CENTRAL',
};

export function definitionOf(t: { definition: unknown }): Definition {
  const v = validateDefinition(t.definition);
  if (!v.ok) throw new AppError('UNPROCESSABLE', `Шаблон формы повреждён: ${v.errors[0]}`);
  return v.def;
}

/** The form an organisation fills: by level, then the most specific `appliesTo` (3СП, 4СП before 5СП). */
export async function templateFor(org: OrgLite): Promise<Tpl> {
  const level = LEVEL_OF[org.kind];
  const candidates = (await activeTemplates()).filter((t) => t.level === level);
  const fits = (t: Tpl) => {
    const a = (t.appliesTo ?? {}) as { hasTerritorialRights?: boolean; institutionTypes?: string[] };
    if (a.hasTerritorialRights !== undefined && a.hasTerritorialRights !== org.hasTerritorialRights) return false;
    if (a.institutionTypes && !a.institutionTypes.includes(org.institutionType ?? '')) return false;
    return true;
  };
  const score = (t: Tpl) => Object.keys((t.appliesTo ?? {}) as object).length;
  const best = candidates.filter(fits).sort((a, b) => score(b) - score(a) || a.code.localeCompare(b.code))[0];
  if (!best) throw new AppError('NOT_FOUND', 'Для этой организации нет формы отчёта');
  return best;
}

/** Indicator and entered cells from registry values and typed values (formulas are filled later). */
function baseFrom(def: Definition, indicators: IndicatorValues, entered: Values): Values {
  const base: Values = {};
  for (const [k, , , c] of cellsOf(def)) {
    if ('indicator' in c) base[k] = indicators[c.indicator] ?? 0;
    else if ('entered' in c) base[k] = entered[k] ?? null;
  }
  return base;
}

function addInto(def: Definition, into: Values, part: Values) {
  for (const [k, , , c] of cellsOf(def)) {
    if ('formula' in c) continue;
    const v = part[k];
    if (v === null || v === undefined) continue;
    into[k] = (into[k] ?? 0) + v;
  }
}

export interface ComputedReport {
  template: { id: string; code: string; version: number; title: string };
  def: Definition;
  values: Values;
  failed: string[];
  children: { id: string; name: string; status: string | null; counted: boolean }[];
}

/**
 * A report's figures in a campaign. A primary organisation: the registry's figures for it as of the
 * reporting date plus its entered cells. A territorial, regional or central organisation: its own apparatus'
 * figures and entered cells plus the sum of its children's ACCEPTED reports (returned or pending ones do not
 * count); formulas are computed from the sums, so percentages are recomputed, never averaged.
 * An accepted report returns its frozen figures.
 */
export async function computeReport(
  org: OrgLite,
  campaign: { id: string; reportDate: Date },
  report: { templateId: string; entered: unknown; frozen: unknown; status: string } | null,
): Promise<ComputedReport> {
  const tpl = report
    ? await db().reportTemplate.findUniqueOrThrow({ where: { id: report.templateId } })
    : await templateFor(org);
  const def = definitionOf(tpl);
  const asOf = fromDate(campaign.reportDate);
  const entered = (report?.entered ?? {}) as Values;
  const kids = org.kind === 'PRIMARY' ? [] : await childUnits(org.id);
  const kidReports = kids.length
    ? await reportsFor(
        campaign.id,
        kids.map((k) => k.id),
      )
    : [];
  const byOrg = new Map(kidReports.map((r) => [r.organisationId, r]));
  const children = kids.map((k) => {
    const r = byOrg.get(k.id);
    return { id: k.id, name: k.shortName ?? k.name, status: r?.status ?? null, counted: r?.status === 'ACCEPTED' };
  });
  // Figures are fixed when the report is sent up: what the parent accepts is exactly what was submitted.
  if ((report?.status === 'ACCEPTED' || report?.status === 'SUBMITTED') && report.frozen) {
    const values = report.frozen as Values;
    return { template: tpl, def, values, failed: failedChecks(def, values), children };
  }
  const own = (await unitIndicators({ unitIds: [org.id] }, asOf)).get(org.id) ?? {};
  const base = baseFrom(def, own, entered);
  for (const r of kidReports) if (r.status === 'ACCEPTED' && r.frozen) addInto(def, base, r.frozen as Values);
  const values = fill(def, base);
  return { template: tpl, def, values, failed: failedChecks(def, values), children };
}

/**
 * Any form computed live from the registry for a whole subtree as of any date (for comparison with the
 * reports): the own parts of every reporting unit in the subtree, summed. Entered cells stay empty.
 */
export async function computeLive(
  org: OrgLite,
  def: Definition,
  asOf: string,
  opts: { fromRollup?: boolean } = {},
): Promise<Values> {
  return (await savedOrLive(org, def, asOf, { saved: !!opts.fromRollup })).values;
}

/**
 * The form for a subtree on a date: from the rollup saved for that date when `saved` and one exists (with the time
 * it was saved), otherwise computed live from the registry.
 */
export async function savedOrLive(
  org: OrgLite,
  def: Definition,
  asOf: string,
  o: { saved: boolean },
): Promise<{ values: Values; savedAt: Date | null }> {
  const row = o.saved ? await readRollup(asOf, org.id) : null;
  const total = row
    ? (row.values as { subtree: IndicatorValues }).subtree
    : ((await unitIndicators({ path: org.path }, asOf, { total: true })).get('total') ?? {});
  return { values: fill(def, baseFrom(def, total, {})), savedAt: row?.computedAt ?? null };
}

/**
 * Rollups for a date: every reporting unit's own figures and its subtree's sums, computed in one pass over
 * the registry and stored; a union-wide form is then read from one row.
 */
export async function buildRollup(root: { path: string }, asOf: string): Promise<number> {
  const own = await unitIndicators({ path: root.path }, asOf);
  const units = await unitPaths(root.path);
  const subtree = new Map<string, IndicatorValues>();
  for (const u of units) subtree.set(u.id, {});
  for (const u of units) {
    const v = own.get(u.id);
    if (!v) continue;
    for (const anc of pathIds(u.path)) {
      const s = subtree.get(anc);
      if (!s) continue;
      for (const [k, x] of Object.entries(v)) s[k] = (s[k] ?? 0) + x;
    }
  }
  // Only the subtree sums are read back (a unit's own figures are computed live); zeros are left out.
  const compact = (v: IndicatorValues) => Object.fromEntries(Object.entries(v).filter(([, x]) => x !== 0));
  await saveRollup(
    asOf,
    units.map((u) => ({ organisationId: u.id, values: { subtree: compact(subtree.get(u.id) ?? {}) } })),
  );
  return units.length;
}
