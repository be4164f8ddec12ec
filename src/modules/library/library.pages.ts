import type { NextFunction, Request, Response } from 'express';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { uploadFile } from '../../http/upload';
import type { OrgRow } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { audienceForm, describeAudience } from '../audience/audience.presenter';
import { audienceChildren, notDone, rollup } from '../audience/audience.repo';
import { audienceOf } from '../audience/audience.input';
import { audienceFromFields, visibleSql } from '../audience/audience.fields';
import { sendDocumentFile } from './library.api';
import { authorizeReader, loadPublished, loadReadable } from './library.access';
import {
  DOCUMENT_KINDS,
  documentInput,
  fileQuery,
  searchQuery,
  sectionInput,
  supersedeInput,
  versionInput,
} from './library.input';
import { documentItem, fileSize } from './library.presenter';
import { isDocumentVisible, lastDownloaded, replacementCandidates, searchDocuments, sectionsOf } from './library.repo';
import { addVersion, createSection, markSuperseded, publishDocument } from './library.service';

/** Upload errors (too large, not multipart) re-show the form instead of an error page; a bad CSRF stays an error. */
function pageUpload() {
  const inner = uploadFile({ csrf: true, tooLarge: 'Файл больше 20 МБ. Уменьшите его или разделите на части' });
  return (req: Request, res: Response, next: NextFunction) =>
    inner(req, res, (err?: unknown) => {
      if (err instanceof AppError && err.code !== 'CSRF') {
        res.locals.uploadError = err;
        return next();
      }
      next(err);
    });
}

const kindOptions = (blank: string) => [
  { value: '', label: blank },
  ...Object.entries(DOCUMENT_KINDS).map(([value, label]) => ({ value, label })),
];
/** The audience partial's errors are keyed kinds/roles/orgIds/members; ours carry the form's field names. */
const audienceErrors = (e: Record<string, string>) => ({
  kinds: e.audienceKinds,
  roles: e.audienceRoles,
  orgIds: e.audienceOrgIds,
  members: e.audienceMembers,
});

async function renderNew(
  ctx: Ctx,
  org: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const [sections, children] = await Promise.all([sectionsOf([org.id]), audienceChildren(org.id)]);
  const aErrors = Object.fromEntries(Object.entries(audienceErrors(errors)).filter(([, v]) => v)) as Record<
    string,
    string
  >;
  await renderPage(
    ctx.res,
    'library/new',
    {
      title: 'Новый документ',
      org: { id: org.id, name: org.shortName ?? org.name },
      values,
      errors,
      kindOptions: kindOptions('— выберите —'),
      sectionOptions: [
        { value: '', label: '— без раздела —' },
        ...sections.map((s) => ({ value: s.id, label: s.name })),
      ],
      audience: audienceForm(org, children, values, aErrors),
    },
    status,
  );
}

async function renderShow(ctx: Ctx, id: string, errors: Record<string, string> = {}, status = 200) {
  const doc = await loadReadable(ctx, id);
  const last = ctx.actor.userId ? await lastDownloaded(doc.id, ctx.actor.userId) : null;
  const canPublish = ctx.allows('document.publish', doc.organisation.path);
  const item = { type: 'DOCUMENT' as const, id: doc.id };
  const stats = canPublish
    ? {
        rollup: await rollup(item),
        notDone: await notDone(item, { withinPath: doc.organisation.path, page: 1, pageSize: 50 }),
      }
    : null;
  // The replacement is named only to those who may open it.
  const by = doc.supersededBy;
  const supersededBy = by && (await isDocumentVisible(visibleSql(ctx.actor, 'document.publish'), by.id)) ? by : null;
  const candidates = canPublish && !doc.supersededAt ? await replacementCandidates(doc.organisationId, doc.id) : [];
  await renderPage(
    ctx.res,
    'library/show',
    {
      title: doc.title,
      doc: {
        id: doc.id,
        title: doc.title,
        kindLabel: DOCUMENT_KINDS[doc.kind],
        number: doc.number,
        date: doc.docDate,
        description: doc.description,
        orgName: doc.organisation.shortName ?? doc.organisation.name,
        sectionName: doc.section?.name ?? null,
        version: doc.version,
        supersededBy,
        superseded: doc.supersededAt !== null,
        supersededAt: doc.supersededAt,
        addressed: doc.addressed,
        versions: doc.versions.map((v) => ({ ...v, sizeLabel: fileSize(v.size) })),
      },
      audienceText: describeAudience(audienceOf(doc)),
      stats,
      updated: last !== null && last < doc.version,
      lastDownloaded: last,
      can: { publish: canPublish },
      candidates: [
        { value: '', label: '— без замены: документ просто устарел —' },
        ...candidates.map((c) => ({ value: c.id, label: c.number ? `${c.title} (№ ${c.number})` : c.title })),
      ],
      errors,
      values: ctx.req.method === 'POST' ? ctx.body : {},
    },
    status,
  );
}

export function libraryPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/library',
      kind: 'page',
      action: 'document.read',
      query: searchQuery,
      async handler(ctx) {
        authorizeReader(ctx);
        const q = ctx.query;
        const { rows, total } = await searchDocuments(visibleSql(ctx.actor, 'document.publish'), ctx.actor.userId, {
          ...q,
          pageSize: 30,
        });
        const publishAt = ctx.actor.assignments
          .filter((a) => ctx.allows('document.publish', a.orgPath))
          .map((a) => ({ id: a.organisationId, name: a.orgName }));
        const sections = await sectionsOf(ctx.actor.assignments.map((a) => a.organisationId));
        ctx.res.setHeader('Cache-Control', 'no-store');
        await renderPage(ctx.res, 'library/list', {
          title: 'Библиотека документов',
          q,
          base: { q: q.q, kind: q.kind, section: q.section, year: q.year },
          items: rows.map(documentItem),
          total,
          page: q.page,
          pageSize: 30,
          kindOptions: kindOptions('Все виды'),
          sectionOptions: [
            { value: '', label: 'Все разделы' },
            ...sections.map((s) => ({ value: s.id, label: s.name })),
          ],
          publishAt,
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/documents/new',
      kind: 'page',
      action: 'document.publish',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderNew(ctx, org, { kind: '' }, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/documents',
      kind: 'page',
      action: 'document.publish',
      params: idParams,
      before: [pageUpload()],
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const body = (ctx.req.body ?? {}) as Record<string, unknown>;
        const uploadError = ctx.res.locals.uploadError as AppError | undefined;
        if (uploadError) return renderNew(ctx, org, body, { file: uploadError.message }, uploadError.status);
        const parsed = documentInput.safeParse(body);
        const audience = await audienceFromFields(body, org);
        const errors = parsed.success ? {} : fieldErrors(parsed.error);
        if ('errors' in audience) Object.assign(errors, audience.errors);
        if (!ctx.req.file) errors.file = 'Выберите файл';
        if (!parsed.success || 'errors' in audience || !ctx.req.file) return renderNew(ctx, org, body, errors, 400);
        try {
          const r = await publishDocument(ctx.actor, org, parsed.data, audience.audience, ctx.req.file);
          ctx.req.session.flash = `Документ опубликован (адресатов: ${r.addressed})`;
          ctx.res.redirect(303, `/documents/${r.id}`);
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          return renderNew(ctx, org, body, e.fields ?? { file: e.message }, e.status);
        }
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/library/sections',
      kind: 'page',
      action: 'document.publish',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const parsed = sectionInput.safeParse(ctx.body);
        if (!parsed.success) return renderNew(ctx, org, { kind: '' }, fieldErrors(parsed.error), 400);
        await createSection(ctx.actor, org.id, parsed.data.name, parsed.data.parentId);
        ctx.req.session.flash = `Раздел «${parsed.data.name}» создан`;
        ctx.res.redirect(303, `/orgs/${org.id}/documents/new`);
      },
    }),
    route({
      method: 'get',
      path: '/documents/:id',
      kind: 'page',
      action: 'document.read',
      params: idParams,
      async handler(ctx) {
        ctx.res.setHeader('Cache-Control', 'no-store');
        await renderShow(ctx, ctx.params.id);
      },
    }),
    route({
      method: 'get',
      path: '/documents/:id/file',
      kind: 'page',
      action: 'document.read',
      params: idParams,
      query: fileQuery,
      async handler(ctx) {
        const doc = await loadReadable(ctx, ctx.params.id);
        await sendDocumentFile(ctx.res, ctx.actor.userId, doc, ctx.query.version);
      },
    }),
    route({
      method: 'post',
      path: '/documents/:id/supersede',
      kind: 'page',
      action: 'document.publish',
      params: idParams,
      async handler(ctx) {
        const doc = await loadPublished(ctx, ctx.params.id);
        const parsed = supersedeInput.safeParse(ctx.body);
        if (!parsed.success) return renderShow(ctx, doc.id, fieldErrors(parsed.error), 400);
        try {
          const clear = parsed.data.clear === '1';
          await markSuperseded(ctx.actor, doc, clear ? { clear: true } : { by: parsed.data.by ?? null });
          ctx.req.session.flash = clear
            ? 'Отметка «заменён» снята'
            : 'Документ отмечен как заменённый. Он остаётся доступен для справки';
          ctx.res.redirect(303, `/documents/${doc.id}`);
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500 || !e.fields) throw e;
          return renderShow(ctx, doc.id, e.fields, e.status);
        }
      },
    }),
    route({
      method: 'post',
      path: '/documents/:id/versions',
      kind: 'page',
      action: 'document.publish',
      params: idParams,
      before: [pageUpload()],
      async handler(ctx) {
        const doc = await loadPublished(ctx, ctx.params.id);
        const uploadError = ctx.res.locals.uploadError as AppError | undefined;
        if (uploadError) return renderShow(ctx, doc.id, { file: uploadError.message }, uploadError.status);
        const parsed = versionInput.safeParse(ctx.req.body ?? {});
        const errors = parsed.success ? {} : fieldErrors(parsed.error);
        if (!ctx.req.file) errors.file = 'Выберите файл новой версии';
        if (!parsed.success || !ctx.req.file) return renderShow(ctx, doc.id, errors, 400);
        try {
          const r = await addVersion(ctx.actor, doc, parsed.data.note, ctx.req.file);
          ctx.req.session.flash = `Загружена версия ${r.version}. Прежние версии сохранены`;
          ctx.res.redirect(303, `/documents/${doc.id}`);
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          return renderShow(ctx, doc.id, e.fields ?? { file: e.message }, e.status);
        }
      },
    }),
  ];
}
