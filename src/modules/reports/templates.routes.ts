import YAML from 'yaml';
import { AppError } from '../../http/errors';
import { uploadFile } from '../../http/upload';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { audit } from '../audit/audit.repo';
import type { OrgRow } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { INDICATORS } from './indicators';
import { activeTemplates, insertTemplateVersion } from './reports.repo';
import { definitionOf } from './figures';
import { cellsOf, validateDefinition, type Definition } from './template';

/** The form templates (central council only): the list and a new version uploaded as JSON or YAML. */
export function templatePages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/report-templates',
      kind: 'page',
      action: 'report.template',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (org.kind !== 'CENTRAL') throw new AppError('NOT_FOUND');
        await renderTemplates(ctx, org, null);
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/report-templates',
      kind: 'page',
      action: 'report.template',
      params: idParams,
      before: [uploadFile({ csrf: true, maxBytes: 512 * 1024, tooLarge: 'Файл шаблона не принят: не больше 512 КБ' })],
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (org.kind !== 'CENTRAL') throw new AppError('NOT_FOUND');
        const file = (ctx.req as unknown as { file?: { buffer: Buffer; originalname: string } }).file;
        if (!file) return renderTemplates(ctx, org, ['Выберите файл шаблона (JSON или YAML)'], 400);
        const r = parseTemplateFile(file.buffer, file.originalname);
        if (!r.ok) return renderTemplates(ctx, org, r.errors, 400);
        const t = await insertTemplateVersion(r.def);
        await audit(ctx.actor, {
          action: 'report.template',
          entity: 'ReportTemplate',
          entityId: t.id,
          organisationId: org.id,
          details: { code: t.code, version: t.version },
        });
        ctx.req.session.flash = `Шаблон ${t.code} загружен, версия ${t.version}`;
        ctx.res.redirect(303, `/orgs/${org.id}/report-templates`);
      },
    }),
  ];
}

/** A template file: JSON or YAML (by content), validated whole before anything is stored. */
export function parseTemplateFile(
  buf: Buffer,
  name: string,
): { ok: true; def: Definition } | { ok: false; errors: string[] } {
  const text = buf.toString('utf8').replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = /^\s*[{[]/.test(text) ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    return {
      ok: false,
      errors: [`Файл ${name} не читается как JSON или YAML: ${(e as Error).message.split('\n')[0]}`],
    };
  }
  return validateDefinition(raw);
}

async function renderTemplates(ctx: Ctx, org: OrgRow, errors: string[] | null, status = 200) {
  const list = await activeTemplates();
  await renderPage(
    ctx.res,
    'reports/templates',
    {
      title: 'Шаблоны форм',
      org: { id: org.id },
      errors,
      templates: list.map((t) => ({
        code: t.code,
        version: t.version,
        title: t.title,
        level: t.level,
        rows: cellsOf(definitionOf(t)).length,
      })),
      indicators: Object.entries(INDICATORS).map(([name, label]) => ({ name, label })),
    },
    status,
  );
}
