import { z } from 'zod';
import { AppError } from '../../http/errors';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fromDate, today } from '../../lib/dates';
import {
  ancestors,
  childrenPage,
  findVisible,
  memberCountsByOrg,
  type OrgRow,
} from '../organisations/organisations.repo';
import {
  createOrgInput,
  excludeOrgInput,
  idParams,
  optDay,
  passportFields,
  uuid,
} from '../organisations/organisations.input';
import { createChild, excludeOrg, updateOrg } from '../organisations/organisations.service';
import { subtreeSummary } from '../organisations/summary.repo';
import { loadOrg } from '../organisations/organisations.routes';
import { pageOf, paging, stripUndefined } from './api.http';

function orgJson(org: OrgRow, path: { id: string; name: string; kind: string }[]) {
  return {
    id: org.id,
    kind: org.kind,
    name: org.name,
    shortName: org.shortName,
    parentId: org.parentId,
    path,
    status: org.status,
    hasTerritorialRights: org.hasTerritorialRights,
    institutionName: org.institutionName,
    institutionInn: org.institutionInn,
    institutionType: org.institutionType,
    address: org.address,
    phone: org.phone,
    email: org.email,
    employeesCount: org.employeesCount,
    studentsCount: org.studentsCount,
    foundedAt: org.foundedAt ? fromDate(org.foundedAt) : null,
    excludedAt: org.excludedAt ? fromDate(org.excludedAt) : null,
    excludedReason: org.excludedReason,
    version: org.version,
  };
}

async function orgWithPath(ctx: Ctx, org: OrgRow) {
  const anc = await ancestors(ctx.actor, org);
  return orgJson(org, [
    ...anc.map((a) => ({ id: a.id, name: a.shortName ?? a.name, kind: a.kind })),
    { id: org.id, name: org.shortName ?? org.name, kind: org.kind },
  ]);
}

/** Organisations: one with its path, its children, creating, changing the passport, excluding, figures. */
export function orgApi(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id',
      kind: 'api',
      action: 'org.view',
      tag: 'Организации',
      summary: 'Организация',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const s = await subtreeSummary(org, today());
        ctx.res.json({
          ...(await orgWithPath(ctx, org)),
          counts: { members: s.members.total, primaryOrgs: s.primaryOrgs },
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/children',
      kind: 'api',
      action: 'org.view',
      tag: 'Организации',
      summary: 'Входящие организации (страница)',
      params: idParams,
      query: z.object({ ...paging, includeExcluded: z.enum(['true', 'false']).optional() }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const { items, total } = await childrenPage(ctx.actor, org, {
          page: ctx.query.page,
          pageSize: ctx.query.pageSize,
          includeExcluded: ctx.query.includeExcluded === 'true',
        });
        const counts = await memberCountsByOrg(
          items.map((i) => i.id),
          today(),
        );
        ctx.res.json(
          pageOf(
            items.map((i) => ({ ...orgJson(i, []), path: undefined, counts: { members: counts.get(i.id) ?? 0 } })),
            ctx.query.page,
            ctx.query.pageSize,
            total,
          ),
        );
      },
    }),
    route({
      method: 'post',
      path: '/orgs',
      kind: 'api',
      action: 'org.createChild',
      tag: 'Организации',
      summary: 'Создать организацию',
      status: 201,
      body: createOrgInput.extend({ parentId: uuid }),
      async handler(ctx) {
        const parent = await loadOrg(ctx, ctx.body.parentId);
        const org = await createChild(ctx.actor, parent, ctx.body.kind, ctx.body);
        ctx.res.status(201).json(await orgWithPath(ctx, org));
      },
    }),
    route({
      method: 'patch',
      path: '/orgs/:id',
      kind: 'api',
      action: 'org.update',
      tag: 'Организации',
      summary: 'Изменить паспорт (version обязательна)',
      params: idParams,
      body: passportFields.partial().extend({ version: z.number().int() }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const merged = { ...passportFromOrg(org), ...stripUndefined(ctx.body) };
        const parsed = passportFields.safeParse(merged);
        if (!parsed.success)
          throw new AppError(
            'BAD_REQUEST',
            undefined,
            Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), i.message])),
          );
        await updateOrg(ctx.actor, org, ctx.body.version, parsed.data);
        ctx.res.json(await orgWithPath(ctx, (await findVisible(ctx.actor, org.id))!));
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/exclude',
      kind: 'api',
      action: 'org.exclude',
      tag: 'Организации',
      summary: 'Исключить из реестра',
      params: idParams,
      body: excludeOrgInput,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await excludeOrg(ctx.actor, org, ctx.body.date, ctx.body.reason);
        ctx.res.json(await orgWithPath(ctx, (await findVisible(ctx.actor, org.id))!));
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/summary',
      kind: 'api',
      action: 'org.view',
      tag: 'Организации',
      summary: 'Показатели на дату',
      params: idParams,
      query: z.object({ asOf: optDay }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const asOf = ctx.query.asOf ?? today();
        const s = await subtreeSummary(org, asOf);
        ctx.res.json({ asOf, organisation: { id: org.id, name: org.name, kind: org.kind }, ...s });
      },
    }),
  ];
}

function passportFromOrg(org: OrgRow) {
  return {
    name: org.name,
    shortName: org.shortName ?? undefined,
    institutionName: org.institutionName ?? undefined,
    institutionInn: org.institutionInn ?? undefined,
    institutionType: org.institutionType ?? undefined,
    address: org.address ?? undefined,
    phone: org.phone ?? undefined,
    email: org.email ?? undefined,
    employeesCount: org.employeesCount ?? undefined,
    studentsCount: org.studentsCount ?? undefined,
    foundedAt: org.foundedAt ? fromDate(org.foundedAt) : undefined,
    hasTerritorialRights: org.hasTerritorialRights,
  };
}
