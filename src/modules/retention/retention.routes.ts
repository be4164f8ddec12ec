import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { enqueue, registerHandler, registerSchedule } from '../../jobs/queue';
import { SYSTEM_ACTOR, userActor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { centralOrg } from '../mail/outbox.repo';
import { idParams } from '../organisations/organisations.input';
import { REASON_LABELS, sendActPdf, sendActXlsx } from './act.document';
import { actWithItems, actsPage } from './retention.repo';
import { WITHDRAWAL_DAYS, duePreview, runDepersonalisation, updateRetention } from './retention.service';

// Every night at 03:00 Moscow time, and on the administrator's «run now» (as that administrator).
registerHandler('depersonalise', async (d) => {
  const userId = typeof d.userId === 'string' ? d.userId : null;
  await runDepersonalisation(userId ? userActor(userId, 'session') : SYSTEM_ACTOR, {
    trigger: userId ? 'MANUAL' : 'SCHEDULE',
  });
});
registerSchedule('depersonalise', '0 3 * * *');

const PAGE_SIZE = 20;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });
const yearsInput = z.object({
  years: z.coerce
    .number({ message: 'Укажите срок числом лет' })
    .int({ message: 'Срок: целое число лет' })
    .min(1, { message: 'Срок: не меньше 1 года' })
    .max(75, { message: 'Срок: не больше 75 лет' }),
});

async function loadCentral(ctx: Ctx) {
  const central = await centralOrg();
  if (!central) throw new AppError('NOT_FOUND');
  ctx.authorize(central.path);
  ctx.res.setHeader('Cache-Control', 'no-store');
  return central;
}

async function renderSettings(ctx: Ctx, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
  const page = (ctx.query as { page?: number }).page ?? 1;
  const [preview, acts] = await Promise.all([duePreview(), actsPage(page, PAGE_SIZE)]);
  await renderPage(
    ctx.res,
    'retention/index',
    {
      title: 'Хранение персональных данных',
      preview,
      withdrawalDays: WITHDRAWAL_DAYS,
      reasons: REASON_LABELS,
      acts: acts.items,
      total: acts.total,
      page,
      pageSize: PAGE_SIZE,
      values: { years: preview.years, ...values },
      errors,
    },
    status,
  );
}

async function loadAct(ctx: Ctx, id: string) {
  await loadCentral(ctx);
  const a = await actWithItems(id);
  if (!a) throw new AppError('NOT_FOUND');
  await audit(ctx.actor, {
    action: 'retention.act.exported',
    entity: 'DepersonalisationAct',
    entityId: id,
    rowCount: a.items.length,
  });
  return a;
}

/** The central administrator's page: the retention period, a manual run, the acts (PDF, XLSX). */
export function retentionPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/retention',
      kind: 'page',
      action: 'retention.manage',
      query: pageQuery,
      async handler(ctx) {
        await loadCentral(ctx);
        await renderSettings(ctx, {}, {});
      },
    }),
    route({
      method: 'post',
      path: '/retention',
      kind: 'page',
      action: 'retention.manage',
      async handler(ctx) {
        await loadCentral(ctx);
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        const parsed = yearsInput.safeParse(body);
        if (!parsed.success)
          return renderSettings(ctx, { years: body.years }, { years: parsed.error.issues[0].message }, 400);
        await updateRetention(ctx.actor, parsed.data.years);
        ctx.req.session.flash = `Срок хранения после выхода: ${parsed.data.years} ${parsed.data.years % 10 === 1 && parsed.data.years % 100 !== 11 ? 'год' : [2, 3, 4].includes(parsed.data.years % 10) && ![12, 13, 14].includes(parsed.data.years % 100) ? 'года' : 'лет'}. Сохранено.`;
        ctx.res.redirect(303, '/retention');
      },
    }),
    route({
      method: 'post',
      path: '/retention/run',
      kind: 'page',
      action: 'retention.manage',
      async handler(ctx) {
        await loadCentral(ctx);
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        if (body.confirm !== 'yes')
          return renderSettings(
            ctx,
            {},
            { confirm: 'Подтвердите: обезличивание необратимо — отметьте «Понимаю, данные будут обезличены»' },
            400,
          );
        await enqueue('depersonalise', { userId: ctx.actor.userId });
        ctx.req.session.flash = 'Обезличивание запущено. Акт появится в списке ниже, когда задание завершится.';
        ctx.res.redirect(303, '/retention');
      },
    }),
    route({
      method: 'get',
      path: '/retention/acts/:id/act.pdf',
      kind: 'page',
      action: 'retention.manage',
      params: idParams,
      async handler(ctx) {
        sendActPdf(ctx.res, await loadAct(ctx, ctx.params.id));
      },
    }),
    route({
      method: 'get',
      path: '/retention/acts/:id/act.xlsx',
      kind: 'page',
      action: 'retention.manage',
      params: idParams,
      async handler(ctx) {
        await sendActXlsx(ctx.res, await loadAct(ctx, ctx.params.id));
      },
    }),
  ];
}
