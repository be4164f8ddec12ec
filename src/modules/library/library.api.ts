import { AppError, fieldErrors } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { uploadFile } from '../../http/upload';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { audienceFromFields, visibleSql } from '../audience/audience.fields';
import { rollup } from '../audience/audience.repo';
import { authorizeReader, loadPublished, loadReadable } from './library.access';
import { documentInput, fileQuery, searchQuery, supersedeApiInput, versionInput } from './library.input';
import { documentJson, documentListJson, sendStoredFile } from './library.presenter';
import { fileOf, lastDownloaded, searchDocuments } from './library.repo';
import { addVersion, markSuperseded, publishDocument, recordDownload } from './library.service';

const upload = () => [uploadFile({ csrf: false, tooLarge: 'Файл больше 20 МБ' })];

export function libraryApi(): RouteDef[] {
  const T = 'Библиотека';
  return [
    route({
      method: 'post',
      path: '/orgs/:id/documents',
      kind: 'api',
      action: 'document.publish',
      tag: T,
      summary: 'Опубликовать документ (multipart: file, title, kind, number?, date?, section?, audienceKinds?)',
      status: 201,
      params: idParams,
      before: upload(),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const body = (ctx.req.body ?? {}) as Record<string, unknown>;
        const parsed = documentInput.safeParse(body);
        const audience = await audienceFromFields(body, org);
        const errors = parsed.success ? {} : fieldErrors(parsed.error);
        if ('errors' in audience) Object.assign(errors, audience.errors);
        if (!parsed.success || 'errors' in audience) throw new AppError('BAD_REQUEST', undefined, errors);
        const r = await publishDocument(ctx.actor, org, parsed.data, audience.audience, ctx.req.file);
        ctx.res.status(201).json({ id: r.id, version: r.version, addressed: r.addressed });
      },
    }),
    route({
      method: 'post',
      path: '/documents/:id/versions',
      kind: 'api',
      action: 'document.publish',
      tag: T,
      summary: 'Новая версия документа (multipart: file, note)',
      status: 201,
      params: idParams,
      before: upload(),
      async handler(ctx) {
        const doc = await loadPublished(ctx, ctx.params.id);
        const parsed = versionInput.safeParse(ctx.req.body ?? {});
        if (!parsed.success) throw new AppError('BAD_REQUEST', undefined, fieldErrors(parsed.error));
        const r = await addVersion(ctx.actor, doc, parsed.data.note, ctx.req.file);
        ctx.res.status(201).json(r);
      },
    }),
    route({
      method: 'post',
      path: '/documents/:id/supersede',
      kind: 'api',
      action: 'document.publish',
      tag: T,
      summary: 'Отметить документ заменённым ({by?: id документа той же библиотеки}) или снять отметку ({clear: true})',
      params: idParams,
      body: supersedeApiInput,
      async handler(ctx) {
        const doc = await loadPublished(ctx, ctx.params.id);
        const b = ctx.body;
        const r = await markSuperseded(ctx.actor, doc, b.clear ? { clear: true } : { by: b.by ?? null });
        ctx.res.json({ id: doc.id, superseded: r.superseded, supersededBy: r.by ? { id: r.by } : null });
      },
    }),
    route({
      method: 'get',
      path: '/documents/:id/downloads',
      kind: 'api',
      action: 'document.publish',
      tag: T,
      summary: 'Скачивания по входящим организациям (адресовано, скачали, %)',
      params: idParams,
      async handler(ctx) {
        const doc = await loadPublished(ctx, ctx.params.id);
        const r = await rollup({ type: 'DOCUMENT', id: doc.id });
        ctx.res.setHeader('Cache-Control', 'no-store');
        ctx.res.json({
          addressed: r.addressed,
          downloaded: r.done,
          percent: r.percent,
          children: r.children.map((c) => ({
            id: c.id,
            name: c.name,
            kind: c.kind,
            addressed: c.addressed,
            downloaded: c.done,
            percent: c.percent,
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/documents',
      kind: 'api',
      action: 'document.read',
      tag: T,
      summary: 'Документы, доступные вызывающему; q ищет в названии, номере и тексте PDF/DOCX',
      query: searchQuery,
      async handler(ctx) {
        authorizeReader(ctx);
        const q = ctx.query;
        const { rows, total } = await searchDocuments(visibleSql(ctx.actor, 'document.publish'), ctx.actor.userId, q);
        ctx.res.json({ items: rows.map(documentListJson), page: q.page, pageSize: q.pageSize, total });
      },
    }),
    route({
      method: 'get',
      path: '/documents/:id',
      kind: 'api',
      action: 'document.read',
      tag: T,
      summary: 'Документ и его версии',
      params: idParams,
      async handler(ctx) {
        const doc = await loadReadable(ctx, ctx.params.id);
        const last = ctx.actor.userId ? await lastDownloaded(doc.id, ctx.actor.userId) : null;
        ctx.res.json(documentJson(doc, last));
      },
    }),
    route({
      method: 'get',
      path: '/documents/:id/file',
      kind: 'api',
      action: 'document.read',
      tag: T,
      summary: 'Файл документа (последняя версия или ?version=)',
      params: idParams,
      query: fileQuery,
      async handler(ctx) {
        const doc = await loadReadable(ctx, ctx.params.id);
        await sendDocumentFile(ctx.res, ctx.actor.userId, doc, ctx.query.version);
      },
    }),
  ];
}

/** Serves a version's file and records the download (document, version, user, time). */
export async function sendDocumentFile(
  res: import('express').Response,
  userId: string | null,
  doc: { id: string; version: number },
  version: number | undefined,
) {
  const f = await fileOf(doc.id, version ?? doc.version);
  if (!f) throw new AppError('NOT_FOUND', 'Такой версии документа нет');
  if (userId) await recordDownload(doc.id, f.version, userId);
  sendStoredFile(res, f);
}
