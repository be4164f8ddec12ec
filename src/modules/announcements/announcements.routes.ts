import { z } from 'zod';
import { AppError } from '../../http/errors';
import { redirectWithFlash } from '../../http/flash';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { audienceForm } from '../audience/audience.presenter';
import { audienceChildren } from '../audience/audience.repo';
import { visibleSql } from '../audience/audience.fields';
import { attachableDocuments, findDocument, isDocumentVisible } from '../library/library.repo';
import { findVisible, orgsById, type OrgRow } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { idOf, loadPublished } from './announcements.api';
import { parseAnnouncementForm, parseEditForm } from './announcements.input';
import { formValues, presentAnnouncement, statusLabel } from './announcements.presenter';
import { effectiveStatus } from './announcements.lifecycle';
import { feed, findAnnouncement, isVisibleTo, publishedBy, versionsOf } from './announcements.repo';
import { createAnnouncement, editAnnouncement, readAnnouncement } from './announcements.service';

const PAGE = 30;
const feedQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  unread: z.enum(['1']).optional().catch(undefined),
});
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

const orgName = (o: { name: string; shortName: string | null }) => o.shortName ?? o.name;

export function announcementPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/announcements',
      kind: 'page',
      action: 'self',
      query: feedQuery,
      async handler(ctx) {
        const q = ctx.query;
        const r = await feed(ctx.actor, { unreadOnly: q.unread === '1', page: q.page, pageSize: PAGE });
        ctx.res.set('Cache-Control', 'no-store');
        await renderPage(ctx.res, 'announcements/feed', {
          title: 'Объявления',
          items: r.items,
          total: r.total,
          page: q.page,
          pageSize: PAGE,
          base: { unread: q.unread },
          unreadOnly: q.unread === '1',
          publishAt: publishTargets(ctx),
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/announcements',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      query: pageQuery,
      async handler(ctx) {
        const org = await loadOrg(ctx, idOf(ctx));
        const page = ctx.query.page;
        const r = await publishedBy(org.id, { page, pageSize: PAGE });
        await renderPage(ctx.res, 'announcements/org', {
          title: `Объявления: ${orgName(org)}`,
          org: { id: org.id, name: orgName(org) },
          items: r.items.map((a) => ({
            id: a.id,
            title: a.title,
            important: a.important,
            status: statusLabel(a),
            publishedAt: a.publishedAt,
            addressed: a.addressed,
            read: a.read,
            members: a.audienceMembers,
          })),
          total: r.total,
          page,
          pageSize: PAGE,
          base: {},
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/announcements/new',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, idOf(ctx));
        await renderForm(ctx, org, null, { publishOn: today() }, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/announcements',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, idOf(ctx));
        const body = ctx.body as Record<string, unknown>;
        const parsed = parseAnnouncementForm(body);
        if (!parsed.ok) return renderForm(ctx, org, null, body, parsed.errors, 400);
        const publish = body.publish === '1';
        try {
          const r = await createAnnouncement(ctx.actor, org, parsed.data, publish, { refusePastExpiry: true });
          redirectWithFlash(
            ctx.req,
            ctx.res,
            `/announcements/${r.id}`,
            publish ? `Объявление опубликовано. Адресатов: ${r.addressed}` : 'Черновик сохранён',
          );
        } catch (e) {
          if (e instanceof AppError && e.fields) return renderForm(ctx, org, null, body, e.fields, e.status);
          throw e;
        }
      },
    }),
    route({
      method: 'get',
      path: '/announcements/:id',
      kind: 'page',
      action: 'self',
      params: idParams,
      async handler(ctx) {
        const a = await findAnnouncement(idOf(ctx));
        if (!a) throw new AppError('NOT_FOUND');
        const addressed = await isVisibleTo(ctx.actor, a.id);
        const org = await findVisible(ctx.actor, a.organisationId);
        const publisher = org !== null && ctx.allows('announcement.publish', org.path);
        if (!addressed && !publisher) throw new AppError('NOT_FOUND');
        if (addressed) await readAnnouncement(ctx.actor, a);
        const pub = org ?? (await orgsById([a.organisationId])).get(a.organisationId)!;
        const versions = publisher ? await versionsOf(a.id) : [];
        // The attached document is named (and linked) only to those who may open it.
        const attachment =
          a.attachmentId && (await isDocumentVisible(visibleSql(ctx.actor, 'document.publish'), a.attachmentId))
            ? await findDocument(a.attachmentId)
            : null;
        ctx.res.set('Cache-Control', 'no-store');
        await renderPage(ctx.res, 'announcements/show', {
          title: a.title,
          a: presentAnnouncement(a, { id: pub.id, name: orgName(pub) }),
          can: { manage: publisher },
          attachment: attachment && { id: attachment.id, title: attachment.title },
          versions: versions.map((v) => ({ version: v.version, title: v.title, editedAt: v.editedAt })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/announcements/:id/edit',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      async handler(ctx) {
        const { a, org } = await loadPublished(ctx, idOf(ctx));
        if (effectiveStatus(a, today()) === 'ARCHIVED')
          throw new AppError('CONFLICT', 'Снятое объявление не редактируется');
        await renderForm(ctx, org, a, formValues(a), {});
      },
    }),
    route({
      method: 'post',
      path: '/announcements/:id/edit',
      kind: 'page',
      action: 'announcement.publish',
      params: idParams,
      async handler(ctx) {
        const { a, org } = await loadPublished(ctx, idOf(ctx));
        const body = ctx.body as Record<string, unknown>;
        const version = Number(body.version);
        const v = Number.isInteger(version) ? version : -1;
        const again = (errors: Record<string, string>, status: number) =>
          renderForm(ctx, org, a, a.status === 'DRAFT' ? body : { ...formValues(a), ...body }, errors, status);
        try {
          // A draft's audience is edited with its text; a published one's is frozen.
          if (a.status === 'DRAFT') {
            const parsed = parseAnnouncementForm(body);
            if (!parsed.ok) return again(parsed.errors, 400);
            const { data, audience } = parsed.data;
            await editAnnouncement(ctx.actor, a, v, data, { publisher: org, audience });
          } else {
            const parsed = parseEditForm(body);
            if (!parsed.ok) return again(parsed.errors, 400);
            await editAnnouncement(ctx.actor, a, v, parsed.data);
          }
        } catch (e) {
          if (e instanceof AppError && e.fields) return again(e.fields, e.status);
          throw e;
        }
        redirectWithFlash(
          ctx.req,
          ctx.res,
          `/announcements/${a.id}`,
          a.status === 'DRAFT' ? 'Черновик сохранён' : 'Изменения сохранены, прежний текст — в истории',
        );
      },
    }),
  ];
}

/** Organisations where the actor may publish (for the «Новое объявление» links). */
function publishTargets(ctx: Ctx) {
  return ctx.actor.assignments
    .filter((x) => ctx.allows('announcement.publish', x.orgPath))
    .map((x) => ({ id: x.organisationId, name: x.orgName }));
}

async function renderForm(
  ctx: Ctx,
  org: OrgRow,
  a: { id: string; status: string } | null,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const withAudience = !a || a.status === 'DRAFT';
  const [children, docs] = await Promise.all([
    withAudience ? audienceChildren(org.id) : [],
    attachableDocuments(org.path),
  ]);
  await renderPage(
    ctx.res,
    'announcements/form',
    {
      title: a ? 'Изменить объявление' : 'Новое объявление',
      org: { id: org.id, name: orgName(org) },
      a,
      values,
      errors,
      audience: withAudience ? audienceForm(org, children, values, errors, { members: true }) : null,
      attachOptions: [
        { value: '', label: '— без документа —' },
        ...docs.map((d) => ({
          value: d.id,
          label: `${d.title}${d.number ? ` (№ ${d.number})` : ''}${d.supersededAt ? ' — заменён' : ''}`,
        })),
      ],
    },
    status,
  );
}
