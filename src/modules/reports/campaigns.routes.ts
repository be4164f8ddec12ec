import { z } from 'zod';
import { confirmed } from '../../http/confirm';
import { AppError } from '../../http/errors';
import type { Ctx, RouteDef } from '../../http/route';
import { formatDay, fromDate } from '../../lib/dates';
import { audit } from '../audit/audit.repo';
import { uuid } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { closeCampaignRow, reopenCampaignRow } from './reports.repo';
import { buildRollup } from './figures';
import { loadCampaign } from './reports.http';

const params = z.object({ id: uuid, campaignId: uuid });
type Params = z.infer<typeof params>;

/** A campaign is closed and reopened at the central council only. */
async function centralCampaign(ctx: Ctx<Params>) {
  const org = await loadOrg(ctx, ctx.params.id);
  if (org.kind !== 'CENTRAL') throw new AppError('NOT_FOUND');
  return { org, campaign: await loadCampaign(ctx.params.campaignId) };
}

function flashBack(ctx: Ctx<Params>, message: string) {
  ctx.req.session.flash = message;
  ctx.res.redirect(303, `/orgs/${ctx.params.id}/reports?campaign=${ctx.params.campaignId}`);
}

/** Closing a campaign freezes every report; the central office can undo it (reopen), both after a confirmation. */
export function campaignPages(): RouteDef[] {
  return [
    {
      method: 'post',
      path: '/orgs/:id/campaigns/:campaignId/close',
      kind: 'page',
      action: 'report.campaign',
      params,
      async handler(ctx: Ctx<Params>) {
        const { org, campaign: c } = await centralCampaign(ctx);
        if (c.status !== 'OPEN') return flashBack(ctx, 'Кампания уже закрыта');
        const back = `/orgs/${org.id}/reports?campaign=${c.id}`;
        const ok = await confirmed(ctx, {
          title: 'Закрыть кампанию?',
          lines: [
            `Кампания «${c.title}» (отчётная дата ${formatDay(c.reportDate)}) будет закрыта.`,
            'Отчёты больше нельзя будет отправить, принять или вернуть; принятые цифры сохранятся в свёртке. ' +
              'Открыть кампанию снова сможет только администратор ЦС.',
          ],
          action: `/orgs/${org.id}/campaigns/${c.id}/close`,
          carry: {},
          button: 'Да, закрыть кампанию',
          back,
        });
        if (!ok) return;
        await closeCampaignRow(c.id);
        await buildRollup(org, fromDate(c.reportDate));
        await audit(ctx.actor, {
          action: 'report.campaign',
          entity: 'ReportCampaign',
          entityId: c.id,
          organisationId: org.id,
          details: { closed: true },
        });
        flashBack(ctx, 'Кампания закрыта: отчёты заморожены');
      },
    },
    {
      method: 'post',
      path: '/orgs/:id/campaigns/:campaignId/reopen',
      kind: 'page',
      action: 'report.reopen',
      params,
      async handler(ctx: Ctx<Params>) {
        const { org, campaign: c } = await centralCampaign(ctx);
        if (c.status === 'OPEN') return flashBack(ctx, 'Кампания и так открыта');
        const ok = await confirmed(ctx, {
          title: 'Открыть кампанию снова?',
          lines: [
            `Кампания «${c.title}» (отчётная дата ${formatDay(c.reportDate)}) снова откроется: организации смогут отправлять, принимать и возвращать отчёты.`,
            'Сохранённая при закрытии свёртка будет удалена и построена заново при следующем закрытии.',
          ],
          action: `/orgs/${org.id}/campaigns/${c.id}/reopen`,
          carry: {},
          button: 'Да, открыть снова',
          back: `/orgs/${org.id}/reports?campaign=${c.id}`,
        });
        if (!ok) return;
        const done = await reopenCampaignRow(c.id, (tx) =>
          audit(
            ctx.actor,
            {
              action: 'report.campaign',
              entity: 'ReportCampaign',
              entityId: c.id,
              organisationId: org.id,
              details: { reopened: true },
            },
            tx,
          ),
        );
        flashBack(
          ctx,
          done ? `Кампания «${c.title}» снова открыта` : 'Кампания не открыта: сначала закройте текущую открытую',
        );
      },
    },
  ];
}
