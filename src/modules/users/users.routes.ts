import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { scopePaths, type Actor } from '../../policy/actor';
import { ROLE_KINDS, ROLE_LABELS } from '../../policy/rules';
import type { Role } from '../../generated/prisma/client';
import { passwordProblem, passwordRefine } from '../auth/passwords';
import { findVisible, rootsOf, searchVisible, type OrgRow } from '../organisations/organisations.repo';
import { day, idParams, optDay, uuid } from '../organisations/organisations.input';
import { findAssignment, findUserByLogin, findUserWithRoles, usersInSubtree } from './users.repo';
import { assignRole, createUserWithRole, endRole, handOver } from './users.service';

const ROLES = ['ADMIN', 'CHAIR', 'REGISTRAR', 'SUBUNIT_CHAIR', 'VIEWER'] as const;
const roleField = z.enum(ROLES, { message: 'Выберите роль' });
const assignmentInput = z
  .object({
    role: roleField,
    organisationId: uuid.or(z.literal('')).refine((v) => v !== '', { message: 'Выберите организацию' }),
    startsOn: day,
    endsOn: optDay,
  })
  .refine((v) => !v.endsOn || v.endsOn >= v.startsOn, { path: ['endsOn'], message: 'Окончание не раньше начала' });
const newUserInput = assignmentInput
  .and(
    z.object({
      login: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9._-]{3,40}$/, { message: 'Логин: 3–40 латинских букв, цифр, точек, дефисов' }),
      fullName: z.string().trim().min(3, { message: 'Укажите ФИО' }).max(200),
      email: z.preprocess(
        (v) => (v === '' ? undefined : v),
        z.string().trim().email({ message: 'Неверный адрес электронной почты' }).optional(),
      ),
      password: z.string().superRefine(passwordRefine),
    }),
  )
  .superRefine((v, ctx) => {
    // The login and the name are the first guesses: checked against the password with them.
    const p = passwordProblem(v.password, { login: v.login, fullName: v.fullName });
    if (p) ctx.addIssue({ code: 'custom', path: ['password'], message: p });
  });

async function defaultManageOrg(actor: Actor): Promise<OrgRow | null> {
  const paths = scopePaths(actor, 'user.manage');
  if (paths === 'all' || !paths.length) return null;
  return (await rootsOf(actor)).find((r) => paths.includes(r.path)) ?? null;
}

async function orgOptions(ctx: Ctx, q = '') {
  const orgs = (await searchVisible(ctx.actor, q, undefined, 300)).filter((o) => ctx.allows('user.manage', o.path));
  return [{ value: '', label: '— выберите —' }, ...orgs.map((o) => ({ value: o.id, label: o.shortName ?? o.name }))];
}

const roleOptions = (actor: Actor) => [
  { value: '', label: '— выберите —' },
  ...ROLES.filter((r) => r !== 'ADMIN' || actor.assignments.some((a) => a.role === 'ADMIN')).map((r) => ({
    value: r,
    label: ROLE_LABELS[r],
  })),
];

/** A user is visible to a manager when one of their assignments lies inside the manager's scope. */
async function loadUserFor(ctx: Ctx, id: string) {
  const u = await findUserWithRoles(id);
  const paths = scopePaths(ctx.actor, 'user.manage');
  const inScope = u?.roles.filter((r) => paths === 'all' || paths.some((p) => r.organisation.path.startsWith(p))) ?? [];
  if (!u || (!inScope.length && u.id !== ctx.actor.userId)) throw new AppError('NOT_FOUND');
  ctx.authorize(inScope[0]?.organisation.path ?? ctx.actor.assignments[0]?.orgPath ?? '/');
  return { user: u, inScope };
}

function presentRoles(
  roles: {
    id: string;
    role: Role;
    startsOn: Date;
    endsOn: Date | null;
    organisation: { id: string; name: string; shortName: string | null };
  }[],
  t: string,
) {
  return roles.map((r) => ({
    id: r.id,
    role: ROLE_LABELS[r.role],
    org: r.organisation.shortName ?? r.organisation.name,
    orgId: r.organisation.id,
    startsOn: r.startsOn,
    endsOn: r.endsOn,
    active: r.startsOn.toISOString().slice(0, 10) <= t && (!r.endsOn || r.endsOn.toISOString().slice(0, 10) >= t),
  }));
}

export function userPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/users',
      kind: 'page',
      action: 'user.manage',
      query: z.object({
        org: uuid.optional().catch(undefined),
        page: z.coerce.number().int().min(1).catch(1).default(1),
      }),
      async handler(ctx) {
        const org = ctx.query.org ? await findVisible(ctx.actor, ctx.query.org) : await defaultManageOrg(ctx.actor);
        if (!org) throw new AppError(!ctx.query.org && ctx.actor.assignments.length ? 'FORBIDDEN' : 'NOT_FOUND');
        ctx.authorize(org.path);
        const { items, total } = await usersInSubtree(org.path, ctx.query.page, 50);
        const t = today();
        await renderPage(ctx.res, 'users/list', {
          title: 'Пользователи',
          org: { id: org.id, name: org.shortName ?? org.name },
          users: items.map((u) => ({
            id: u.id,
            login: u.login,
            fullName: u.fullName,
            active: u.active,
            roles: presentRoles(
              u.roles.filter((r) => r.organisation.path.startsWith(org.path)),
              t,
            ),
          })),
          page: ctx.query.page,
          pageSize: 50,
          total,
          handover: ctx.actor.assignments.filter((a) => a.role === 'CHAIR').map((a) => ({ id: a.id, org: a.orgName })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/users/new',
      kind: 'page',
      action: 'user.manage',
      query: z.object({ org: uuid.optional().catch(undefined) }),
      async handler(ctx) {
        const org = ctx.query.org ? await findVisible(ctx.actor, ctx.query.org) : await defaultManageOrg(ctx.actor);
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        await renderNewUser(ctx, { organisationId: org.id, startsOn: today() }, {});
      },
    }),
    route({
      method: 'post',
      path: '/users/new',
      kind: 'page',
      action: 'user.manage',
      async handler(ctx) {
        const parsed = newUserInput.safeParse(ctx.body);
        const org = parsed.success ? await findVisible(ctx.actor, parsed.data.organisationId) : null;
        if (org) ctx.authorize(org.path);
        else ctx.authorize(ctx.actor.assignments[0]?.orgPath ?? '/');
        if (!parsed.success) return renderNewUser(ctx, ctx.body, fieldErrors(parsed.error), 400);
        if (!org || !ctx.allows('user.manage', org.path))
          return renderNewUser(ctx, ctx.body, { organisationId: 'Выберите организацию из списка' }, 400);
        try {
          const u = await createUserWithRole(ctx.actor, parsed.data, {
            role: parsed.data.role,
            org,
            startsOn: parsed.data.startsOn,
            endsOn: parsed.data.endsOn,
          });
          ctx.req.session.flash = 'Пользователь создан. Сообщите ему логин и временный пароль лично.';
          ctx.res.redirect(303, `/users/${u.id}`);
        } catch (e) {
          if (e instanceof AppError && (e.fields || e.code === 'FORBIDDEN'))
            return renderNewUser(ctx, ctx.body, e.fields ?? { role: e.message }, e.status);
          throw e;
        }
      },
    }),
    route({
      method: 'get',
      path: '/users/:id',
      kind: 'page',
      action: 'user.manage',
      params: idParams,
      async handler(ctx) {
        const { user, inScope } = await loadUserFor(ctx, ctx.params.id);
        await renderUser(ctx, user, inScope, {}, { startsOn: today() });
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/roles',
      kind: 'page',
      action: 'user.manage',
      params: idParams,
      async handler(ctx) {
        const { user, inScope } = await loadUserFor(ctx, ctx.params.id);
        const parsed = assignmentInput.safeParse(ctx.body);
        if (!parsed.success) return renderUser(ctx, user, inScope, fieldErrors(parsed.error), ctx.body, 400);
        const org = await findVisible(ctx.actor, parsed.data.organisationId);
        if (!org || !ctx.allows('user.manage', org.path))
          return renderUser(ctx, user, inScope, { organisationId: 'Выберите организацию из списка' }, ctx.body, 400);
        try {
          await assignRole(ctx.actor, user.id, {
            role: parsed.data.role,
            org,
            startsOn: parsed.data.startsOn,
            endsOn: parsed.data.endsOn,
          });
        } catch (e) {
          if (e instanceof AppError && (e.fields || e.code === 'FORBIDDEN'))
            return renderUser(ctx, user, inScope, e.fields ?? { role: e.message }, ctx.body, e.status);
          throw e;
        }
        ctx.req.session.flash = 'Роль назначена';
        ctx.res.redirect(303, `/users/${user.id}`);
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/roles/:roleId/end',
      kind: 'page',
      action: 'user.manage',
      params: z.object({ id: uuid, roleId: uuid }),
      async handler(ctx) {
        const ra = await findAssignment(ctx.params.roleId);
        if (!ra || ra.userId !== ctx.params.id) throw new AppError('NOT_FOUND');
        const org = await findVisible(ctx.actor, ra.organisationId);
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        const d = day.safeParse(ctx.body.endsOn || today());
        try {
          await endRole(ctx.actor, ra, d.success ? d.data : today());
        } catch (e) {
          if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
        }
        ctx.req.session.flash = 'Полномочия завершены';
        ctx.res.redirect(303, `/users/${ra.userId}`);
      },
    }),
    route({
      method: 'get',
      path: '/handover/:roleId',
      kind: 'page',
      action: 'user.manage',
      params: z.object({ roleId: uuid }),
      async handler(ctx) {
        const own = ctx.actor.assignments.find((a) => a.id === ctx.params.roleId);
        if (!own) throw new AppError('NOT_FOUND');
        ctx.authorize(own.orgPath);
        await renderHandover(ctx, own, { date: today() }, {});
      },
    }),
    route({
      method: 'post',
      path: '/handover/:roleId',
      kind: 'page',
      action: 'user.manage',
      params: z.object({ roleId: uuid }),
      async handler(ctx) {
        const own = ctx.actor.assignments.find((a) => a.id === ctx.params.roleId);
        if (!own) throw new AppError('NOT_FOUND');
        ctx.authorize(own.orgPath);
        const date = day.safeParse(ctx.body.date);
        const login = typeof ctx.body.successor === 'string' ? ctx.body.successor : '';
        const successor = login ? await findUserByLogin(login) : null;
        const errors: Record<string, string> = {};
        if (!date.success) errors.date = date.error.issues[0]?.message ?? 'Введите дату';
        if (!successor) errors.successor = 'Пользователь с таким логином не найден. Сначала создайте его.';
        if (Object.keys(errors).length) return renderHandover(ctx, own, ctx.body, errors, 400);
        const ra = await findAssignment(own.id);
        try {
          await handOver(
            ctx.actor,
            { id: own.id, role: own.role, organisationId: own.organisationId, startsOn: ra!.startsOn },
            successor!.id,
            date.data!,
          );
        } catch (e) {
          if (e instanceof AppError && e.fields) return renderHandover(ctx, own, ctx.body, e.fields, 400);
          throw e;
        }
        ctx.req.session.flash = 'Полномочия переданы';
        ctx.res.redirect(303, '/profile');
      },
    }),
  ];
}

async function renderNewUser(ctx: Ctx, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
  await renderPage(
    ctx.res,
    'users/new',
    {
      title: 'Новый пользователь',
      values,
      errors,
      orgOptions: await orgOptions(ctx),
      roleOptions: roleOptions(ctx.actor),
      roleKinds: ROLE_KINDS,
    },
    status,
  );
}

async function renderUser(
  ctx: Ctx,
  user: NonNullable<Awaited<ReturnType<typeof findUserWithRoles>>>,
  inScope: typeof user.roles,
  errors: Record<string, string>,
  values: Record<string, unknown>,
  status = 200,
) {
  const t = today();
  await renderPage(
    ctx.res,
    'users/show',
    {
      title: user.fullName,
      user: {
        id: user.id,
        login: user.login,
        fullName: user.fullName,
        email: user.email,
        active: user.active,
        ndaAcceptedAt: user.ndaAcceptedAt,
      },
      roles: presentRoles(inScope, t).map((r) => ({ ...r, canEnd: r.active || r.endsOn === null })),
      errors,
      values,
      orgOptions: await orgOptions(ctx),
      roleOptions: roleOptions(ctx.actor),
      today: t,
    },
    status,
  );
}

async function renderHandover(
  ctx: Ctx,
  own: { id: string; orgName: string; role: Role },
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    ctx.res,
    'users/handover',
    {
      title: 'Передача полномочий',
      own: { id: own.id, org: own.orgName, role: ROLE_LABELS[own.role] },
      values,
      errors,
    },
    status,
  );
}
