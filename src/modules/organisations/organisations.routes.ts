import { z } from 'zod';
import { todoCounts } from './todo.repo';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { ancestors, childrenPage, findVisible, memberCountsByOrg, rootsOf, type OrgRow } from './organisations.repo';
import { createOrgInput, excludeOrgInput, idParams, optDay, updateOrgInput } from './organisations.input';
import { createChild, excludeOrg, updateOrg } from './organisations.service';
import {
  abilities,
  crumbs,
  todoItems,
  institutionOptions,
  passportFormValues,
  presentOrg,
} from './organisations.presenter';
import { childKindsOf, KIND_LABELS } from './levels';
import { subtreeSummary } from './summary.repo';

/** Loads an organisation the actor may see (else 404) and checks the route's action on it (else 403). */
export async function loadOrg(ctx: Ctx, id: string): Promise<OrgRow> {
  const org = await findVisible(ctx.actor, id);
  if (!org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return org;
}

const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  asOf: optDay.catch(undefined),
});

export function orgPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/',
      kind: 'page',
      action: 'self',
      async handler({ actor, res }) {
        const roots = await rootsOf(actor);
        if (roots.length === 1) return res.redirect(303, `/orgs/${roots[0].id}`);
        await renderPage(res, 'organisations/roots', { title: 'Мои организации', roots: roots.map(presentOrg) });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id',
      kind: 'page',
      action: 'org.view',
      params: idParams,
      query: pageQuery,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const asOf = ctx.query.asOf ?? today();
        const pageSize = 50;
        const [anc, summary, kids] = await Promise.all([
          ancestors(ctx.actor, org),
          subtreeSummary(org, asOf, { emptyList: 30 }),
          childrenPage(ctx.actor, org, { page: ctx.query.page, pageSize }),
        ]);
        const byId = new Map(summary.children.map((c) => [c.id, c]));
        // Sub-units of a primary organisation are listed with their own member counts.
        const direct =
          org.kind === 'PRIMARY' || org.kind === 'PROFBURO'
            ? await memberCountsByOrg(
                kids.items.map((k) => k.id),
                asOf,
              )
            : new Map<string, number>();
        const informing = ctx.res.locals.informing as { unread?: number } | undefined;
        const todos = todoItems(ctx, org, await todoCounts(org), informing?.unread ?? 0);
        await renderPage(ctx.res, 'organisations/show', {
          title: org.shortName ?? org.name,
          todos,
          org: presentOrg(org),
          can: abilities(ctx, org),
          crumbs: crumbs(anc),
          asOf,
          summary,
          children: kids.items.map((k) => ({
            ...presentOrg(k),
            stats: byId.get(k.id),
            members: byId.get(k.id)?.members.total ?? direct.get(k.id) ?? 0,
          })),
          page: ctx.query.page,
          pageSize,
          total: kids.total,
          emptyPrimaries: summary.emptyPrimaries,
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/passport',
      kind: 'page',
      action: 'org.view',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderPage(ctx.res, 'organisations/passport', {
          title: `Паспорт: ${org.shortName ?? org.name}`,
          org: presentOrg(org),
          can: abilities(ctx, org),
          crumbs: crumbs(await ancestors(ctx.actor, org), org),
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/edit',
      kind: 'page',
      action: 'org.update',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderEdit(ctx, org, passportFormValues(org), {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/edit',
      kind: 'page',
      action: 'org.update',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const parsed = updateOrgInput.safeParse(ctx.body);
        if (!parsed.success) return renderEdit(ctx, org, ctx.body, fieldErrors(parsed.error), 400);
        try {
          await updateOrg(ctx.actor, org, parsed.data.version, parsed.data);
        } catch (e) {
          if (e instanceof AppError && e.code === 'STALE_VERSION')
            return renderEdit(ctx, org, ctx.body, { version: e.message }, 409);
          throw e;
        }
        ctx.req.session.flash = 'Паспорт организации сохранён';
        ctx.res.redirect(303, `/orgs/${org.id}/passport`);
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/new',
      kind: 'page',
      action: 'org.createChild',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderNew(ctx, org, { kind: childKindsOf(org)[0] ?? '' }, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/new',
      kind: 'page',
      action: 'org.createChild',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const parsed = createOrgInput.safeParse(ctx.body);
        if (!parsed.success) return renderNew(ctx, org, ctx.body, fieldErrors(parsed.error), 400);
        try {
          const child = await createChild(ctx.actor, org, parsed.data.kind, parsed.data);
          ctx.req.session.flash = 'Организация создана';
          ctx.res.redirect(303, `/orgs/${child.id}`);
        } catch (e) {
          if (e instanceof AppError && e.fields) return renderNew(ctx, org, ctx.body, e.fields, 400);
          throw e;
        }
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/exclude',
      kind: 'page',
      action: 'org.exclude',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderExclude(ctx, org, { date: today() }, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/exclude',
      kind: 'page',
      action: 'org.exclude',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const parsed = excludeOrgInput.safeParse(ctx.body);
        if (!parsed.success) return renderExclude(ctx, org, ctx.body, fieldErrors(parsed.error), 400);
        try {
          await excludeOrg(ctx.actor, org, parsed.data.date, parsed.data.reason);
        } catch (e) {
          if (e instanceof AppError && e.code === 'UNPROCESSABLE')
            return renderExclude(ctx, org, ctx.body, { _: e.message }, 422);
          throw e;
        }
        ctx.req.session.flash = 'Организация исключена из реестра';
        ctx.res.redirect(303, `/orgs/${org.parentId}`);
      },
    }),
  ];
}

async function renderEdit(
  ctx: Ctx,
  org: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    ctx.res,
    'organisations/edit',
    {
      title: `Паспорт: ${org.shortName ?? org.name}`,
      org: presentOrg(org),
      values,
      errors,
      institutionOptions,
      crumbs: crumbs(await ancestors(ctx.actor, org), org),
    },
    status,
  );
}

async function renderNew(
  ctx: Ctx,
  parent: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    ctx.res,
    'organisations/new',
    {
      title: 'Новая организация',
      parent: presentOrg(parent),
      values,
      errors,
      institutionOptions,
      kindOptions: childKindsOf(parent).map((k) => ({ value: k, label: KIND_LABELS[k] })),
      crumbs: crumbs(await ancestors(ctx.actor, parent), parent),
    },
    status,
  );
}

async function renderExclude(
  ctx: Ctx,
  org: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    ctx.res,
    'organisations/exclude',
    {
      title: 'Исключение из реестра',
      org: presentOrg(org),
      values,
      errors,
      crumbs: crumbs(await ancestors(ctx.actor, org), org),
    },
    status,
  );
}
