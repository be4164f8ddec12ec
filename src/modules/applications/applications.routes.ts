import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { limiter, clientKey } from '../../http/limits';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { fromDate, toDate, today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { audit } from '../audit/audit.repo';
import { findVisible } from '../organisations/organisations.repo';
import { idParams, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { category, personFields } from '../members/members.input';
import { createMember } from '../members/members.service';
import {
  applicationsIn,
  declineAndWipe,
  findApplication,
  insertApplication,
  markAccepted,
  publicOrg,
  publicOrgs,
} from './applications.repo';
import { cutText } from '../../lib/text';

const checkbox = z.preprocess((v) => v === 'on', z.boolean());
const applyInput = personFields
  .omit({ snils: true })
  .extend({
    category,
    organisationId: uuid,
    consentProcessing: checkbox,
    consentBonus: checkbox,
    consentMessaging: checkbox,
  })
  .refine((v) => v.consentProcessing, {
    path: ['consentProcessing'],
    message: 'Без согласия на обработку персональных данных заявление не принимается',
  });

const pickQuery = z.object({
  region: uuid.optional().catch(undefined),
  territory: uuid.optional().catch(undefined),
  q: z.string().max(60).optional().catch(undefined),
  org: uuid.optional().catch(undefined),
});

export function applicationPages(): RouteDef[] {
  return [
    route({
      // Public: region → territory → organisation, then the form. Only organisation names are shown.
      method: 'get',
      path: '/join',
      kind: 'page',
      action: 'public',
      query: pickQuery,
      async handler({ res, query }) {
        const org = query.org ? await publicOrg(query.org) : null;
        if (org && org.kind === 'PRIMARY') return renderForm(res, org, {}, {});
        const regions = await publicOrgs(null, ['REGIONAL']);
        const territories = query.region ? await publicOrgs(query.region, ['TERRITORIAL', 'PRIMARY']) : [];
        const primaries = query.territory
          ? await publicOrgs(query.territory, ['PRIMARY', 'TERRITORIAL'], query.q ?? '')
          : [];
        await renderPage(res, 'applications/pick', {
          title: 'Вступить в Профсоюз',
          query,
          regions: regions.map((o) => ({ value: o.id, label: o.shortName ?? o.name })),
          territories: territories.map((o) => ({
            value: o.id,
            label: `${o.shortName ?? o.name}${o.kind === 'PRIMARY' ? ' (первичная)' : ''}`,
            primary: o.kind === 'PRIMARY',
          })),
          primaries: primaries.map((o) => ({ id: o.id, label: o.shortName ?? o.name, primary: o.kind === 'PRIMARY' })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/join',
      kind: 'page',
      action: 'public',
      before: [
        limiter('join-ip', 60 * 60_000, 10, (req) => `join|${clientKey(req)}`),
        limiter('join-all', 60_000, 300, () => 'join-all'),
      ],
      async handler({ req, res, body }) {
        const parsed = applyInput.safeParse(req.body);
        const org =
          typeof body.organisationId === 'string' && /^[0-9a-f-]{36}$/.test(body.organisationId)
            ? await publicOrg(body.organisationId)
            : null;
        if (!org || org.kind !== 'PRIMARY') throw new AppError('NOT_FOUND');
        if (!parsed.success) return renderForm(res, org, body, fieldErrors(parsed.error), 400);
        const v = parsed.data;
        await insertApplication({
          organisationId: org.id,
          lastName: v.lastName,
          firstName: v.firstName,
          middleName: v.middleName ?? null,
          birthDate: toDate(v.birthDate),
          gender: v.gender ?? null,
          phone: v.phone ?? null,
          email: v.email ?? null,
          category: v.category,
          consentBonus: v.consentBonus,
          consentMessaging: v.consentMessaging,
        });
        // Nothing personal is shown back: the same answer for everyone.
        res.setHeader('Cache-Control', 'no-store');
        await renderPage(res, 'applications/sent', {
          title: 'Заявление отправлено',
          orgName: org.shortName ?? org.name,
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/applications',
      kind: 'page',
      action: 'member.create',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (!ctx.actor.ndaAcceptedAt)
          return ctx.res.redirect(303, `/nda?returnTo=${encodeURIComponent(ctx.req.originalUrl)}`);
        const rows = await applicationsIn(org.path, 'NEW');
        await audit(ctx.actor, {
          action: 'member.listed',
          entity: 'JoinApplication',
          organisationId: org.id,
          rowCount: rows.length,
        });
        await renderPage(ctx.res, 'applications/list', {
          title: 'Заявления о вступлении',
          org: { id: org.id, name: org.shortName ?? org.name },
          rows: rows.map((r) => ({
            id: r.id,
            name: fullName({ lastName: r.lastName ?? '', firstName: r.firstName ?? '', middleName: r.middleName }),
            birthDate: r.birthDate,
            org: r.orgName,
            createdAt: r.createdAt,
            phone: r.phone,
            email: r.email,
          })),
          errors: {},
          today: today(),
        });
      },
    }),
    route({
      method: 'post',
      path: '/applications/:id/accept',
      kind: 'page',
      action: 'member.create',
      params: idParams,
      async handler(ctx) {
        const { app, org } = await loadApplication(ctx, ctx.params.id);
        try {
          const m = await createMember(ctx.actor, org, {
            lastName: app.lastName!,
            firstName: app.firstName!,
            middleName: app.middleName,
            birthDate: fromDate(app.birthDate!),
            gender: app.gender,
            phone: app.phone,
            email: app.email,
            category: app.category ?? 'WORKING',
            joinedAt: today(),
            consents: { processing: true, bonusProgramme: app.consentBonus, messaging: app.consentMessaging },
          });
          await markAccepted(app.id, m.id, ctx.actor.userId);
          ctx.req.session.flash = `${fullName(m.person)} принят(а) в Профсоюз и поставлен(а) на учёт`;
          ctx.res.redirect(303, `/members/${m.id}`);
        } catch (e) {
          if (
            e instanceof AppError &&
            ['DUPLICATE_PERSON', 'CONFLICT', 'UNPROCESSABLE', 'BAD_REQUEST'].includes(e.code)
          ) {
            ctx.req.session.flash = `Не принято: ${e.message}. Можно отклонить заявление с этой причиной.`;
            return ctx.res.redirect(303, `/orgs/${app.organisationId}/applications`);
          }
          throw e;
        }
      },
    }),
    route({
      method: 'post',
      path: '/applications/:id/decline',
      kind: 'page',
      action: 'member.create',
      params: idParams,
      async handler(ctx) {
        const { app } = await loadApplication(ctx, ctx.params.id);
        const reason = typeof ctx.body.reason === 'string' ? cutText(ctx.body.reason.trim(), 500) : '';
        if (reason.length < 3) {
          ctx.req.session.flash = 'Не выполнено: укажите причину отказа';
          return ctx.res.redirect(303, `/orgs/${app.organisationId}/applications`);
        }
        await declineAndWipe(app.id, reason, ctx.actor.userId);
        await audit(ctx.actor, {
          action: 'member.updated',
          entity: 'JoinApplication',
          entityId: app.id,
          organisationId: app.organisationId,
          details: { declined: true },
        });
        ctx.req.session.flash = 'Заявление отклонено; данные заявителя удалены';
        ctx.res.redirect(303, `/orgs/${app.organisationId}/applications`);
      },
    }),
  ];
}

async function loadApplication(ctx: Ctx, id: string) {
  const app = await findApplication(id);
  const org = app ? await findVisible(ctx.actor, app.organisationId) : null;
  if (!app || !org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  if (app.status !== 'NEW') throw new AppError('UNPROCESSABLE', 'Заявление уже рассмотрено');
  return { app, org };
}

async function renderForm(
  res: import('express').Response,
  org: { id: string; name: string; shortName: string | null },
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  await renderPage(
    res,
    'applications/form',
    {
      title: 'Заявление о вступлении',
      org: { id: org.id, name: org.shortName ?? org.name },
      values,
      errors,
      genderOptions: [
        { value: '', label: '— не указан —' },
        { value: 'FEMALE', label: 'Женский' },
        { value: 'MALE', label: 'Мужской' },
      ],
      categoryOptions: [
        { value: 'WORKING', label: 'Работаю' },
        { value: 'STUDENT', label: 'Учусь' },
        { value: 'PENSIONER', label: 'Неработающий пенсионер' },
      ],
    },
    status,
  );
}
