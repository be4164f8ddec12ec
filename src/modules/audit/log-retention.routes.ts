import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { route, type Ctx, type RouteDef } from '../../http/route';
import { registerHandler, registerSchedule, registerWorkerStartup } from '../../jobs/queue';
import { SYSTEM_ACTOR } from '../../policy/actor';
import { db } from '../../db';
import { audit } from './audit.repo';
import {
  AHEAD_MONTHS,
  auditPartitions,
  auditRetentionMonths,
  auditUpkeep,
  keptFrom,
  setAuditRetention,
  ensureAuditPartitions,
} from './partitions.repo';
import { readsOf } from './reads.repo';
import { AUDIT_LABELS } from './labels';

// The months ahead are made when a worker starts and every night; the expired months are dropped then too.
registerWorkerStartup(async () => {
  await ensureAuditPartitions();
});
registerHandler('audit.upkeep', async () => {
  await auditUpkeep(SYSTEM_ACTOR);
});
registerSchedule('audit.upkeep', '30 2 * * *');

const monthsInput = z.object({
  months: z.coerce
    .number({ message: 'Укажите срок числом месяцев' })
    .int({ message: 'Срок: целое число месяцев' })
    .min(12, { message: 'Срок: не меньше 12 месяцев' })
    .max(240, { message: 'Срок: не больше 240 месяцев' }),
});
const loginInput = z.object({ login: z.string().trim().min(1, { message: 'Укажите логин' }).max(100) });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });
const PAGE_SIZE = 50;

/** An account's id in the URL (malformed is "not found"). */
const idParams = z.object({ id: z.string().uuid() });

async function loadCentral(ctx: Ctx) {
  const central = await db().organisation.findFirst({
    where: { kind: 'CENTRAL', parentId: null },
    select: { id: true, path: true },
  });
  if (!central) throw new AppError('NOT_FOUND');
  ctx.authorize(central.path);
  ctx.res.setHeader('Cache-Control', 'no-store');
  return central;
}

async function renderSettings(ctx: Ctx, values: Record<string, unknown>, errors: Record<string, string>, status = 200) {
  const [months, partitions] = await Promise.all([auditRetentionMonths(), auditPartitions()]);
  await renderPage(
    ctx.res,
    'audit/retention',
    {
      title: 'Хранение журнала действий',
      partitions,
      keptFrom: keptFrom(new Date(), months),
      ahead: AHEAD_MONTHS,
      values: { months, login: '', ...values },
      errors,
    },
    status,
  );
}

/** The central administrator's page: how long the audit log is kept, its months, and whose records an account read. */
export function auditRetentionPages(): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/retention/audit',
      kind: 'page',
      action: 'retention.manage',
      async handler(ctx) {
        await loadCentral(ctx);
        await renderSettings(ctx, {}, {});
      },
    },
    {
      method: 'post',
      path: '/retention/audit',
      kind: 'page',
      action: 'retention.manage',
      async handler(ctx) {
        await loadCentral(ctx);
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        const parsed = monthsInput.safeParse(body);
        if (!parsed.success)
          return renderSettings(ctx, { months: body.months }, { months: parsed.error.issues[0].message }, 400);
        await setAuditRetention(ctx.actor, parsed.data.months);
        ctx.req.session.flash = `Срок хранения журнала действий: ${parsed.data.months} мес. Сохранено.`;
        ctx.res.redirect(303, '/retention/audit');
      },
    },
    {
      method: 'post',
      path: '/retention/audit/drop',
      kind: 'page',
      action: 'retention.manage',
      async handler(ctx) {
        await loadCentral(ctx);
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        if (body.confirm !== 'yes')
          return renderSettings(
            ctx,
            {},
            { confirm: 'Подтвердите: записи журнала старше срока будут удалены — отметьте «Понимаю»' },
            400,
          );
        const dropped = await auditUpkeep(ctx.actor);
        ctx.req.session.flash = dropped.length
          ? `Удалено месяцев журнала: ${dropped.length} (записей: ${dropped.reduce((s, p) => s + p.rows, 0)}).`
          : 'Месяцев старше срока хранения нет: ничего не удалено.';
        ctx.res.redirect(303, '/retention/audit');
      },
    },
    {
      method: 'post',
      path: '/retention/audit/reads',
      kind: 'page',
      action: 'retention.manage',
      async handler(ctx) {
        await loadCentral(ctx);
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        const parsed = loginInput.safeParse(body);
        if (!parsed.success)
          return renderSettings(ctx, { login: body.login }, { login: parsed.error.issues[0].message }, 400);
        const user = await db().user.findUnique({ where: { login: parsed.data.login }, select: { id: true } });
        if (!user)
          return renderSettings(
            ctx,
            { login: parsed.data.login },
            { login: 'Учётная запись с таким логином не найдена' },
            400,
          );
        ctx.res.redirect(303, `/users/${user.id}/reads`);
      },
    },
    route({
      method: 'get',
      path: '/users/:id/reads',
      kind: 'page',
      action: 'retention.manage',
      params: idParams,
      query: pageQuery,
      async handler(ctx) {
        await loadCentral(ctx);
        const user = await db().user.findUnique({
          where: { id: ctx.params.id },
          select: { id: true, login: true, fullName: true },
        });
        if (!user) throw new AppError('NOT_FOUND');
        // A year of logs, to the end of today.
        const to = new Date();
        to.setUTCHours(24, 0, 0, 0);
        const from = new Date(to);
        from.setUTCFullYear(from.getUTCFullYear() - 1);
        const r = await readsOf(user.id, { from, to, page: ctx.query.page, pageSize: PAGE_SIZE });
        await audit(ctx.actor, { action: 'audit.reads', entity: 'User', entityId: user.id, rowCount: r.rows.length });
        await renderPage(ctx.res, 'audit/reads', {
          title: `Чьи данные просматривала учётная запись ${user.login}`,
          user,
          from,
          to,
          ...r,
          labels: AUDIT_LABELS,
          page: ctx.query.page,
          pageSize: PAGE_SIZE,
        });
      },
    }),
  ];
}
