import QRCode from 'qrcode';
import { z } from 'zod';
import { confirmed } from '../../http/confirm';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { formatCardNumber, qrPayload } from '../../lib/cardNumber';
import { formatDay } from '../../lib/dates';
import { pdfDoc, sendPdf } from '../../lib/exports';
import { fullName } from '../../lib/names';
import { audit } from '../audit/audit.repo';
import { idParams } from '../organisations/organisations.input';
import { act, loadCardFor } from './cards.http';
import { cardSigningKey, findCardHolderVisible } from './cards.repo';
import { BLOCK_REASONS, blockCard, issueVirtualCard, reissueCard, type BlockReason } from './cards.service';

/** One member's card: a virtual card issued, a card blocked (and reissued), the virtual card shown or as a PDF. */
export function cardRecordPages(): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/members/:id/virtual-card',
      kind: 'page',
      action: 'card.issue',
      params: idParams,
      async handler(ctx) {
        const m = await findCardHolderVisible(ctx.actor, ctx.params.id);
        if (!m) throw new AppError('NOT_FOUND');
        ctx.authorize(m.organisation.path);
        await act(ctx, `/members/${m.id}#cards`, async () => {
          await issueVirtualCard(ctx.actor, m);
          return 'Виртуальный билет выпущен';
        });
      },
    }),
    route({
      method: 'post',
      path: '/cards/:id/block',
      kind: 'page',
      action: 'card.block',
      params: idParams,
      async handler(ctx) {
        const c = await loadCardFor(ctx, ctx.params.id);
        const reason = (Object.keys(BLOCK_REASONS) as BlockReason[]).find((r) => r === ctx.body.reason) ?? 'OTHER';
        const reissue = ctx.body.reissue === 'on';
        const ok = await confirmed(ctx, {
          title: reissue ? 'Заблокировать и перевыпустить билет?' : 'Заблокировать билет?',
          lines: [
            `Билет № ${formatCardNumber(c.number)} (${fullName(c.member.person)}) будет заблокирован. Причина: ${BLOCK_REASONS[reason].toLowerCase()}.`,
            reissue
              ? 'Взамен будет выпущен билет с новым номером; старый номер больше не действует.'
              : 'Заблокированный билет нельзя разблокировать: при необходимости выпускается новый.',
          ],
          action: `/cards/${c.id}/block`,
          carry: { reason, ...(reissue ? { reissue: 'on' } : {}) },
          button: reissue ? 'Да, заблокировать и перевыпустить' : 'Да, заблокировать',
          back: `/members/${c.memberId}#cards`,
        });
        if (!ok) return;
        await act(ctx, `/members/${c.memberId}#cards`, async () => {
          if (reissue) {
            await reissueCard(ctx.actor, c, reason);
            return 'Билет заблокирован и перевыпущен с новым номером';
          }
          await blockCard(ctx.actor, c, reason);
          return 'Билет заблокирован';
        });
      },
    }),
    route({
      method: 'get',
      path: '/cards/:id/virtual',
      kind: 'page',
      action: 'card.view',
      params: idParams,
      query: z.object({ format: z.enum(['pdf']).optional().catch(undefined) }),
      async handler(ctx) {
        const c = await loadCardFor(ctx, ctx.params.id);
        if (c.form !== 'VIRTUAL') throw new AppError('NOT_FOUND');
        const payload = qrPayload(c.number, await cardSigningKey());
        const view = {
          name: fullName(c.member.person),
          org: c.member.organisation.shortName ?? c.member.organisation.name,
          number: formatCardNumber(c.number),
          status: c.status,
          valid: c.status === 'ISSUED' && c.member.status === 'ACTIVE',
          issuedAt: c.issuedAt,
        };
        await audit(ctx.actor, {
          action: 'card.viewed',
          entity: 'Card',
          entityId: c.id,
          organisationId: c.member.organisationId,
          details: { format: ctx.query.format ?? 'html' },
        });
        if (ctx.query.format === 'pdf') {
          const png = await QRCode.toBuffer(payload, { errorCorrectionLevel: 'M', margin: 1, width: 300 });
          const doc = pdfDoc({ size: [340, 520], margin: 24 });
          doc.font('bold').fontSize(14).text('Электронный профсоюзный билет', { align: 'center' });
          doc.font('regular').fontSize(10).text('Общероссийский Профсоюз образования', { align: 'center' }).moveDown();
          doc.font('bold').fontSize(13).text(view.name, { align: 'center' });
          doc.font('regular').fontSize(10).text(view.org, { align: 'center' }).moveDown(0.5);
          doc.fontSize(12).text(`№ ${view.number}`, { align: 'center' }).moveDown(0.5);
          doc.image(png, 70, doc.y, { width: 200 });
          doc.y += 210;
          doc
            .fontSize(8)
            .text(`Выдан ${formatDay(view.issuedAt)}. QR-код содержит только номер билета и подпись реестра.`, {
              align: 'center',
            });
          return sendPdf(ctx.res, `bilet-${c.number}.pdf`, doc);
        }
        const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
        await renderPage(ctx.res, 'cards/virtual', {
          title: 'Виртуальный профсоюзный билет',
          card: { ...view, id: c.id, memberId: c.memberId },
          qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
        });
      },
    }),
  ];
}
