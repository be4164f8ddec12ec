/** What the report pages and the report API share: status labels, the campaign lookup, rows, the export. */
import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';
import { audit } from '../audit/audit.repo';
import type { OrgRow } from '../organisations/organisations.repo';
import { reportPdf, reportXlsx } from './export';
import { findCampaign } from './reports.repo';
import { key, type Definition, type Values } from './template';

export const REPORT_STATUS_LABELS: Record<string, string> = {
  DRAFT: 'черновик',
  SUBMITTED: 'отправлен',
  ACCEPTED: 'принят',
  RETURNED: 'возвращён',
};
export const statusLabel = (s: string | null) => (s ? REPORT_STATUS_LABELS[s] : 'не начат');

export async function loadCampaign(id: string) {
  const c = await findCampaign(id);
  if (!c) throw new AppError('NOT_FOUND');
  return c;
}

/** Rows of a filled form as the API and the pages show them. */
export function rowsOf(def: Definition, values: Values) {
  return def.sections.flatMap((s) =>
    s.rows.map((r) => ({
      section: s.title,
      code: r.code,
      title: r.title,
      values: Object.fromEntries(
        def.columns.map((c) => [c.code, r.cells[c.code] ? (values[key(r.code, c.code)] ?? null) : null]),
      ),
      kinds: Object.fromEntries(
        Object.entries(r.cells).map(([c, v]) => [
          c,
          'formula' in v ? 'formula' : 'entered' in v ? 'entered' : 'indicator',
        ]),
      ),
    })),
  );
}

/** A form's figures as xlsx or pdf, audited (the form and the format, no figures). */
export async function sendReport(
  ctx: Ctx,
  org: OrgRow,
  def: Definition,
  values: Values,
  heading: string[],
  name: string,
  format: 'xlsx' | 'pdf',
) {
  await audit(ctx.actor, {
    action: 'report.exported',
    entity: 'Report',
    organisationId: org.id,
    details: { form: def.code, format },
  });
  if (format === 'pdf') return reportPdf(ctx.res, `${name}.pdf`, def, values, heading);
  return reportXlsx(ctx.res, `${name}.xlsx`, def, values, heading);
}
