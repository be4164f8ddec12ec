import type { RequestHandler } from 'express';
import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { formatDateTime, fromDate, today } from '../../lib/dates';
import { sendXlsx } from '../../lib/exports';
import { fullName } from '../../lib/names';
import { audit } from '../audit/audit.repo';
import { findVisible } from '../organisations/organisations.repo';
import { day, idParams, uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { checkinList, eventsOf, expectedList, findEvent } from './events.repo';
import { EVENT_KINDS, checkIn, createEvent, eventStats } from './events.service';
import { checkinLimiters } from './limits';

const kind = z.enum(['BOARD_MEETING', 'CONFERENCE', 'EVENT'], {
  message: 'Выберите вид мероприятия из списка',
});
const eventInput = z.object({
  title: z
    .string({ message: 'Укажите название' })
    .trim()
    .min(3, { message: 'Название: не короче 3 символов' })
    .max(300),
  kind,
  date: day,
  expectedMemberIds: z.array(uuid).max(5000).optional(),
});
const checkinInput = z.object({
  cardNumber: z.string({ message: 'Введите номер билета' }).trim().min(1, { message: 'Введите номер билета' }).max(200),
  clientId: z.string().max(64).optional(),
});

export async function loadEventFor(ctx: Ctx, id: string) {
  const ev = await findEvent(id);
  const org = ev ? await findVisible(ctx.actor, ev.organisationId) : null;
  if (!ev || !org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return { ev, org };
}

export function eventApiRoutes(limits: RequestHandler[] = checkinLimiters()): RouteDef[] {
  const T = 'Мероприятия';
  return [
    route({
      method: 'post',
      path: '/orgs/:id/events',
      kind: 'api',
      action: 'event.manage',
      tag: T,
      summary: 'Создать мероприятие',
      status: 201,
      params: idParams,
      body: eventInput,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const ev = await createEvent(ctx.actor, org, ctx.body);
        ctx.res.status(201).json({ id: ev.id });
      },
    }),
    route({
      method: 'get',
      path: '/events/:id',
      kind: 'api',
      action: 'event.checkin',
      tag: T,
      summary: 'Мероприятие: отмечено, ожидается, кворум',
      params: idParams,
      async handler(ctx) {
        const { ev } = await loadEventFor(ctx, ctx.params.id);
        const s = await eventStats(ev.id);
        ctx.res.json({
          id: ev.id,
          title: ev.title,
          kind: ev.kind,
          date: fromDate(ev.date),
          checkedIn: s.checkedIn,
          expected: s.expected,
          expectedPresent: s.expectedPresent,
          quorum: s.quorum,
        });
      },
    }),
    route({
      method: 'post',
      path: '/events/:id/checkins',
      kind: 'api',
      action: 'event.checkin',
      tag: T,
      summary: 'Регистрация по номеру билета (201 впервые, 200 повторно)',
      params: idParams,
      body: checkinInput,
      before: limits,
      async handler(ctx) {
        const { ev, org } = await loadEventFor(ctx, ctx.params.id);
        const r = await checkIn(ctx.actor, { ...ev, orgPath: org.path }, ctx.body);
        if (!('memberId' in r)) {
          if (r.status === 'NOT_PARTICIPANT')
            throw new AppError('NOT_FOUND', r.message, undefined, { reason: r.status });
          throw new AppError('UNPROCESSABLE', r.message, undefined, { reason: r.status });
        }
        ctx.res
          .status(r.status === 'CREATED' ? 201 : 200)
          .json({ status: r.status, memberId: r.memberId, memberName: r.memberName, ...(await eventStats(ev.id)) });
      },
    }),
  ];
}

export function eventPages(limits: RequestHandler[] = checkinLimiters()): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/events',
      kind: 'page',
      action: 'event.manage',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderList(ctx, org, { date: today(), kind: 'BOARD_MEETING' }, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/events',
      kind: 'page',
      action: 'event.manage',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const parsed = eventInput.safeParse(ctx.body);
        if (!parsed.success) return renderList(ctx, org, ctx.body, fieldErrors(parsed.error), 400);
        const ev = await createEvent(ctx.actor, org, parsed.data);
        ctx.res.redirect(303, `/events/${ev.id}`);
      },
    }),
    route({
      method: 'get',
      path: '/events/:id',
      kind: 'page',
      action: 'event.checkin',
      params: idParams,
      async handler(ctx) {
        await renderEvent(ctx, ctx.params.id, null, '');
      },
    }),
    route({
      method: 'post',
      path: '/events/:id/checkin',
      kind: 'page',
      action: 'event.checkin',
      params: idParams,
      before: limits,
      async handler(ctx) {
        const { ev, org } = await loadEventFor(ctx, ctx.params.id);
        const parsed = checkinInput.safeParse(ctx.body);
        const wantsJson = (ctx.req.get('accept') ?? '').includes('application/json');
        if (!parsed.success) {
          if (wantsJson) return void ctx.res.status(400).json({ ok: false, message: 'Введите номер билета' });
          return renderEvent(
            ctx,
            ev.id,
            { ok: false, message: 'Введите номер билета' },
            String(ctx.body.cardNumber ?? ''),
            400,
          );
        }
        const r = await checkIn(ctx.actor, { ...ev, orgPath: org.path }, parsed.data);
        const result = !('memberId' in r)
          ? { ok: false, message: r.message }
          : r.status === 'CREATED'
            ? { ok: true, message: `Отмечен(а): ${r.memberName}` }
            : { ok: true, message: `Уже отмечен(а): ${r.memberName}` };
        // The offline queue of the check-in page posts with fetch and wants a short answer.
        if (wantsJson)
          return void ctx.res
            .status(result.ok ? 200 : 422)
            .json({ ...result, status: r.status, ...(await eventStats(ev.id)) });
        await renderEvent(ctx, ev.id, result, result.ok ? '' : parsed.data.cardNumber, result.ok ? 200 : 422);
      },
    }),
    route({
      method: 'get',
      path: '/events/:id/attendance.xlsx',
      kind: 'page',
      action: 'event.checkin',
      params: idParams,
      async handler(ctx) {
        const { ev, org } = await loadEventFor(ctx, ctx.params.id);
        const rows = await checkinList(ev.id);
        await audit(ctx.actor, {
          action: 'event.exported',
          entity: 'Event',
          entityId: ev.id,
          organisationId: ev.organisationId,
          rowCount: rows.length,
        });
        await sendXlsx(
          ctx.res,
          `yavka-${fromDate(ev.date)}.xlsx`,
          'Явка',
          [
            { header: '№', key: 'n', width: 6 },
            { header: 'ФИО', key: 'name', width: 40 },
            { header: 'Организация', key: 'org', width: 40 },
            { header: 'Отмечен', key: 'at', width: 20 },
          ],
          rows
            .slice()
            .reverse()
            .map((r, i) => ({
              n: i + 1,
              name: fullName(r.member.person),
              // A member who has since moved out of the event's subtree: no organisation of elsewhere.
              org: r.member.organisation.path.startsWith(org.path)
                ? (r.member.organisation.shortName ?? r.member.organisation.name)
                : '',
              at: formatDateTime(r.at),
            })),
          { title: `${ev.title}, ${fromDate(ev.date).split('-').reverse().join('.')}` },
        );
      },
    }),
  ];
}

async function renderList(
  ctx: Ctx,
  org: { id: string; name: string; shortName: string | null },
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const list = await eventsOf(org.id);
  await renderPage(
    ctx.res,
    'events/list',
    {
      title: 'Мероприятия',
      org: { id: org.id, name: org.shortName ?? org.name },
      values,
      errors,
      kinds: Object.entries(EVENT_KINDS).map(([value, label]) => ({ value, label })),
      events: list.map((e) => ({
        id: e.id,
        title: e.title,
        kind: EVENT_KINDS[e.kind],
        date: e.date,
        checkins: e._count.checkins,
        expected: e._count.expected,
      })),
    },
    status,
  );
}

export async function renderEvent(
  ctx: Ctx,
  id: string,
  result: { ok: boolean; message: string } | null,
  typed: string,
  status = 200,
  participants: { errors: Record<string, string>; values: Record<string, unknown> } = { errors: {}, values: {} },
) {
  const { ev, org } = await loadEventFor(ctx, id);
  const [stats, list, expected] = await Promise.all([eventStats(ev.id), checkinList(ev.id), expectedList(ev.id)]);
  const present = new Set(list.map((l) => l.memberId));
  await renderPage(
    ctx.res,
    'events/show',
    {
      title: ev.title,
      ev: { id: ev.id, title: ev.title, kind: EVENT_KINDS[ev.kind], date: ev.date },
      org: { id: org.id, name: org.shortName ?? org.name },
      stats,
      result,
      typed,
      scripts: ['/static/checkin.js'],
      checkins: list.map((l) => ({ name: fullName(l.member.person), at: l.at })),
      absent: expected.filter((m) => !present.has(m.id)).map((m) => fullName(m.person)),
      canManage: ctx.allows('event.manage', org.path),
      isBoard: ev.kind === 'BOARD_MEETING',
      participants,
    },
    status,
  );
}
