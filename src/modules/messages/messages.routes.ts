import { z } from 'zod';
import { AppError, fieldErrors } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { enqueue, registerHandler, registerWorkerStartup } from '../../jobs/queue';
import { CATEGORY_LABELS } from '../members/members.presenter';
import type { OrgRow } from '../organisations/organisations.repo';
import { findVisible } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { messageInput, previewInput } from './messages.input';
import { deliveryCounts, findMessage, messagesOf, unfinishedMessages } from './messages.repo';
import { CHANNEL_LABELS, createMessage, preview, runMessage } from './messages.service';

registerHandler('message.send', (d) => runMessage(String(d.messageId)));
// A process killed while sending leaves its message unfinished: the next worker takes it up again at start.
registerWorkerStartup(async () => {
  for (const id of await unfinishedMessages()) await enqueue('message.send', { messageId: id });
});

const PAGE_SIZE = 20;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

async function loadMessage(ctx: Ctx, id: string) {
  const msg = await findMessage(id);
  const org = msg ? await findVisible(ctx.actor, msg.organisationId) : null;
  if (!msg || !org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return { msg, org };
}

async function statusOf(msg: NonNullable<Awaited<ReturnType<typeof findMessage>>>) {
  const c = await deliveryCounts(msg.id);
  return {
    status: msg.status,
    recipients: msg.recipients,
    sent: c.SENT,
    failed: c.FAILED,
    skippedNoConsent: msg.skippedNoConsent + c.SKIPPED,
    skippedNoContact: msg.skippedNoContact,
  };
}

const statusSchema = z.object({
  status: z.enum(['QUEUED', 'SENDING', 'DONE']),
  recipients: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  skippedNoConsent: z.number().int(),
  skippedNoContact: z.number().int(),
});

export function messageApi(): RouteDef[] {
  const T = 'Сообщения членам Профсоюза';
  return [
    route({
      method: 'post',
      path: '/orgs/:id/messages',
      kind: 'api',
      action: 'message.send',
      tag: T,
      summary: 'Сообщение членам организации (только с согласием на рассылку); отправка в фоне',
      status: 202,
      params: idParams,
      body: messageInput,
      response: z.object({
        id: z.string().uuid(),
        recipients: z.number().int(),
        skippedNoConsent: z.number().int(),
        skippedNoContact: z.number().int(),
      }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const msg = await createMessage(ctx.actor, org, ctx.body);
        await enqueue('message.send', { messageId: msg.id });
        ctx.res.status(202).json({
          id: msg.id,
          recipients: msg.recipients,
          skippedNoConsent: msg.skippedNoConsent,
          skippedNoContact: msg.skippedNoContact,
        });
      },
    }),
    route({
      method: 'get',
      path: '/messages/:id',
      kind: 'api',
      action: 'message.send',
      tag: T,
      summary: 'Ход отправки сообщения',
      params: idParams,
      response: statusSchema,
      async handler(ctx) {
        const { msg } = await loadMessage(ctx, ctx.params.id);
        ctx.res.json(await statusOf(msg));
      },
    }),
  ];
}

const CATEGORY_OPTIONS = [
  { value: '', label: 'Все категории' },
  ...Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label })),
];
const CHANNEL_OPTIONS = Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label }));

async function renderForm(
  ctx: Ctx,
  org: OrgRow,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  status = 200,
) {
  const page = (ctx.query as { page?: number }).page ?? 1;
  const p = previewInput.safeParse(values);
  const counts = p.success ? await preview(org, { channel: p.data.channel, category: p.data.category ?? null }) : null;
  const list = await messagesOf(org.id, page, PAGE_SIZE);
  ctx.res.setHeader('Cache-Control', 'no-store');
  await renderPage(
    ctx.res,
    'messages/index',
    {
      title: `Сообщения членам Профсоюза: ${org.shortName ?? org.name}`,
      org,
      values: { channel: 'EMAIL', ...values },
      errors,
      counts,
      channels: CHANNEL_OPTIONS,
      categories: CATEGORY_OPTIONS,
      channelLabels: CHANNEL_LABELS,
      messages: list.items,
      total: list.total,
      page,
      pageSize: PAGE_SIZE,
    },
    status,
  );
}

export function messagePages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/messages',
      kind: 'page',
      action: 'message.send',
      params: idParams,
      query: pageQuery,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        await renderForm(ctx, org, {}, {});
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/messages',
      kind: 'page',
      action: 'message.send',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const body = (ctx.body ?? {}) as Record<string, unknown>;
        const values = { channel: body.channel, subject: body.subject, text: body.text, category: body.category };
        const parsed = messageInput.safeParse(values);
        if (!parsed.success) return renderForm(ctx, org, values, fieldErrors(parsed.error), 400);
        // The first press shows how many will get it; sending needs the second, confirmed press.
        if (body.confirm !== 'yes') return renderForm(ctx, org, { ...values, previewed: true }, {});
        const msg = await createMessage(ctx.actor, org, parsed.data);
        await enqueue('message.send', { messageId: msg.id });
        ctx.req.session.flash = `Сообщение поставлено в очередь: получателей ${msg.recipients}, без согласия ${msg.skippedNoConsent}, без контакта ${msg.skippedNoContact}.`;
        ctx.res.redirect(303, `/messages/${msg.id}`);
      },
    }),
    route({
      method: 'get',
      path: '/messages/:id',
      kind: 'page',
      action: 'message.send',
      params: idParams,
      async handler(ctx) {
        const { msg, org } = await loadMessage(ctx, ctx.params.id);
        ctx.res.setHeader('Cache-Control', 'no-store');
        await renderPage(ctx.res, 'messages/show', {
          title: 'Сообщение членам Профсоюза',
          org,
          msg,
          s: await statusOf(msg),
          channel: CHANNEL_LABELS[msg.channel],
          category: msg.category ? CATEGORY_LABELS[msg.category] : 'все категории',
        });
      },
    }),
  ];
}
