import { z } from 'zod';
import { AppError } from '../../http/errors';
import { loginLimiters } from '../../http/limits';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { ROUTES } from '../../http/route';
import { fromDate, today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { ROLE_LABELS } from '../../policy/rules';
import { userActor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { createToken, findUserForLogin } from '../auth/auth.repo';
import { dummyHash, verifyPassword } from '../auth/passwords';
import { checkSecondFactor } from '../auth/second-factor';
import { findSecondFactor } from '../auth/second-factor.repo';
import { config } from '../../config';
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
import {
  consentInput,
  createMemberApi,
  exitInput,
  listQuery,
  patchMemberApi,
  transferInput,
} from '../members/members.input';
import { consentsOf, listMembers } from '../members/members.repo';
import { loadMemberFor } from '../members/members.http';
import { memberJson } from '../members/members.presenter';
import { createMember, exitMember, setConsent, transferMember, updateMember } from '../members/members.service';
import { buildOpenApi } from './openapi';

const paging = {
  page: z.coerce.number().int().min(1, { message: 'page ≥ 1' }).default(1),
  pageSize: z.coerce.number().int().min(1).max(500, { message: 'pageSize не больше 500' }).default(50),
};
const pageOf = <T>(items: T[], page: number, pageSize: number, total: number) => ({ items, page, pageSize, total });

/** Personal data through the API too needs the non-disclosure obligation accepted (in the profile). */
function requireNda(ctx: Ctx) {
  if (!ctx.actor.ndaAcceptedAt)
    throw new AppError(
      'FORBIDDEN',
      'Примите обязательство о неразглашении персональных данных в профиле (раздел «Профиль»)',
    );
}

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

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});
export { errorSchema };

export function apiRoutes(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/openapi.json',
      kind: 'api',
      action: 'public',
      tag: 'Служебное',
      summary: 'Этот документ (OpenAPI 3)',
      handler({ res }) {
        res.json(buildOpenApi(ROUTES.filter((r) => r.kind === 'api')));
      },
    }),
    route({
      method: 'post',
      path: '/auth/token',
      kind: 'api',
      action: 'public',
      tag: 'Доступ',
      summary: 'Выпуск токена по логину и паролю',
      status: 201,
      before: loginLimiters(),
      body: z.object({
        login: z.string().min(1, { message: 'Укажите логин' }).max(100),
        password: z.string().min(1, { message: 'Укажите пароль' }).max(200),
        /** Needed when the account has a second factor: the app's 6 digits or a recovery code. */
        code: z.string().max(40).optional(),
      }),
      response: z.object({ token: z.string(), expiresAt: z.string() }),
      async handler({ body, res }) {
        const user = await findUserForLogin(body.login);
        const ok = user
          ? await verifyPassword(user.passwordHash, body.password)
          : (await verifyPassword(await dummyHash(), body.password), false);
        if (!user || !ok || !user.active || (user.isDemo && !config.demoMode)) {
          await audit(null, { action: 'token.failed', outcome: 'FAILED' });
          throw new AppError('UNAUTHENTICATED', 'Неверный логин или пароль');
        }
        if ((await findSecondFactor(user.id)) && !(body.code && (await checkSecondFactor(user.id, body.code)))) {
          await audit(userActor(user.id, 'token'), { action: 'token.failed', outcome: 'FAILED' });
          throw new AppError(
            'UNAUTHENTICATED',
            'Нужен код второго фактора (поле code): 6 цифр из приложения-аутентификатора или резервный код',
          );
        }
        const { token, row } = await createToken(user.id, 'API (выпущен по паролю)', 30);
        await audit(userActor(user.id, 'token'), { action: 'token.created', entity: 'ApiToken', entityId: row.id });
        res.status(201).json({ token, expiresAt: row.expiresAt.toISOString() });
      },
    }),
    route({
      method: 'get',
      path: '/me',
      kind: 'api',
      action: 'self',
      tag: 'Доступ',
      summary: 'Текущий пользователь, его роли и организации',
      handler({ actor, res }) {
        res.json({
          id: actor.userId,
          login: actor.login,
          fullName: actor.fullName,
          ndaAcceptedAt: actor.ndaAcceptedAt?.toISOString() ?? null,
          roles: actor.assignments.map((a) => ({
            id: a.id,
            role: a.role,
            roleLabel: ROLE_LABELS[a.role],
            organisationId: a.organisationId,
          })),
          organisations: actor.assignments.map((a) => ({ id: a.organisationId, name: a.orgName, kind: a.orgKind })),
        });
      },
    }),
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
    route({
      method: 'get',
      path: '/orgs/:id/members',
      kind: 'api',
      action: 'member.list',
      tag: 'Члены Профсоюза',
      summary: 'Члены Профсоюза поддерева на дату',
      params: idParams,
      query: z.object({
        q: z.string().max(60).optional(),
        category: z
          .enum(['WORKING', 'STUDENT', 'PENSIONER'], { message: 'category: WORKING, STUDENT или PENSIONER' })
          .optional(),
        asOf: optDay,
        sort: listQuery.shape.sort,
        ...paging,
      }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        requireNda(ctx);
        const asOf = ctx.query.asOf ?? today();
        const { rows, total } = await listMembers(org.path, { ...ctx.query, asOf });
        await audit(ctx.actor, {
          action: 'member.listed',
          organisationId: org.id,
          rowCount: rows.length,
          details: { via: 'api' },
        });
        ctx.res.json(
          pageOf(
            rows.map((r) => ({
              id: r.memberId,
              lastName: r.member.person.lastName,
              firstName: r.member.person.firstName,
              middleName: r.member.person.middleName,
              fullName: fullName(r.member.person),
              birthDate: fromDate(r.member.person.birthDate),
              category: r.category,
              joinedAt: fromDate(r.member.joinedAt),
              organisationId: r.organisationId,
              cardNumber: r.member.cards[0]?.number ?? null,
            })),
            ctx.query.page,
            ctx.query.pageSize,
            total,
          ),
        );
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/members',
      kind: 'api',
      action: 'member.create',
      tag: 'Члены Профсоюза',
      summary: 'Поставить на учёт',
      status: 201,
      params: idParams,
      body: createMemberApi,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        requireNda(ctx);
        if (ctx.body.consents.processing !== true)
          throw new AppError(
            'UNPROCESSABLE',
            'Без согласия на обработку персональных данных поставить на учёт нельзя',
            { 'consents.processing': 'Нужно согласие на обработку персональных данных' },
          );
        const m = await createMember(ctx.actor, org, ctx.body);
        ctx.res.status(201).json(memberJson(m));
      },
    }),
    route({
      method: 'get',
      path: '/members/:id',
      kind: 'api',
      action: 'member.view',
      tag: 'Члены Профсоюза',
      summary: 'Член Профсоюза',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        await audit(ctx.actor, {
          action: 'member.viewed',
          entity: 'Member',
          entityId: m.id,
          organisationId: m.organisationId,
          details: { via: 'api' },
        });
        ctx.res.json(memberJson(m));
      },
    }),
    route({
      method: 'patch',
      path: '/members/:id',
      kind: 'api',
      action: 'member.update',
      tag: 'Члены Профсоюза',
      summary: 'Изменить (version обязательна; устаревшая → 409)',
      params: idParams,
      body: patchMemberApi,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        const { version, ...rest } = ctx.body;
        const updated = await updateMember(ctx.actor, m, version, stripUndefined(rest));
        ctx.res.json(memberJson(updated));
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/exit',
      kind: 'api',
      action: 'member.exit',
      tag: 'Члены Профсоюза',
      summary: 'Снять с учёта (выход, исключение, выбытие)',
      params: idParams,
      body: exitInput,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        ctx.res.json(
          memberJson(await exitMember(ctx.actor, m, undefined, ctx.body.reason, ctx.body.date, ctx.body.note)),
        );
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/transfer',
      kind: 'api',
      action: 'member.transfer',
      tag: 'Члены Профсоюза',
      summary: 'Перевести в другую организацию',
      params: idParams,
      body: transferInput,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        const target = await findVisible(ctx.actor, ctx.body.toOrgId);
        if (!target) throw new AppError('NOT_FOUND', 'Организация назначения не найдена');
        if (!ctx.allows('member.transfer', target.path)) throw new AppError('FORBIDDEN');
        ctx.res.json(memberJson(await transferMember(ctx.actor, m, undefined, target, ctx.body.date)));
      },
    }),
    route({
      method: 'get',
      path: '/members/:id/consents',
      kind: 'api',
      action: 'member.view',
      tag: 'Согласия',
      summary: 'Согласия члена Профсоюза',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        const list = await consentsOf(m.personId);
        ctx.res.json({
          items: list.map((c) => ({
            kind: c.kind,
            givenAt: fromDate(c.givenAt),
            withdrawnAt: c.withdrawnAt ? fromDate(c.withdrawnAt) : null,
            textVersion: c.textVersion,
            active: !c.withdrawnAt,
          })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/consents',
      kind: 'api',
      action: 'member.update',
      tag: 'Согласия',
      summary: 'Дать или отозвать согласие',
      status: 201,
      params: idParams,
      body: consentInput,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        await setConsent(ctx.actor, m, ctx.body.kind, ctx.body.given, ctx.body.date);
        const list = await consentsOf(m.personId);
        ctx.res.status(201).json({
          items: list.map((c) => ({
            kind: c.kind,
            givenAt: fromDate(c.givenAt),
            withdrawnAt: c.withdrawnAt ? fromDate(c.withdrawnAt) : null,
            textVersion: c.textVersion,
            active: !c.withdrawnAt,
          })),
        });
      },
    }),
  ];
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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
