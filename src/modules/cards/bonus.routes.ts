import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { formatCardNumber } from '../../lib/cardNumber';
import { today } from '../../lib/dates';
import { sendXlsx } from '../../lib/exports';
import { audit } from '../audit/audit.repo';
import { idParams } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { bonusCountsByChild, bonusExportRows } from './bonus.repo';

/**
 * The bonus programme (a PROFCARDS-like partner): only members with consent (2) in force, exported by the
 * central office only, logged as a disclosure with its row count.
 */
export function bonusPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/bonus',
      kind: 'page',
      action: 'card.progress',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        const rows = await bonusCountsByChild(org, today());
        await renderPage(ctx.res, 'cards/bonus', {
          title: 'Бонусная программа',
          org: { id: org.id, name: org.shortName ?? org.name },
          rows,
          total: rows.reduce(
            (s, r) => ({ members: s.members + r.members, participants: s.participants + r.participants }),
            { members: 0, participants: 0 },
          ),
          canExport: org.kind === 'CENTRAL' && ctx.allows('bonus.export', org.path),
        });
      },
    }),
    route({
      method: 'get',
      path: '/orgs/:id/bonus.xlsx',
      kind: 'page',
      action: 'bonus.export',
      params: idParams,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        if (org.kind !== 'CENTRAL')
          throw new AppError('FORBIDDEN', 'Выгрузку для партнёра делает только Центральный Совет');
        const rows = await bonusExportRows();
        await audit(ctx.actor, {
          action: 'bonus.exported',
          organisationId: org.id,
          rowCount: rows.length,
          details: { disclosure: 'bonus-partner' },
        });
        await sendXlsx(
          ctx.res,
          `bonus-${today()}.xlsx`,
          'Участники',
          [
            { header: 'Фамилия', key: 'lastName', width: 20 },
            { header: 'Имя', key: 'firstName', width: 16 },
            { header: 'Отчество', key: 'middleName', width: 20 },
            { header: 'Номер билета', key: 'card', width: 22 },
            { header: 'Телефон', key: 'phone', width: 18 },
            { header: 'Эл. почта', key: 'email', width: 28 },
          ],
          rows.map((r) => ({ ...r, card: formatCardNumber(r.card) })),
        );
      },
    }),
  ];
}
