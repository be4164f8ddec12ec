import type { Request } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type RouteDef, route } from '../../http/route';
import { formatCardNumber, qrPayload } from '../../lib/cardNumber';
import { fromDate } from '../../lib/dates';
import { cardSigningKey } from '../cards/cards.repo';
import { CARD_STATUS_LABELS } from '../cards/labels';
import { audit } from '../audit/audit.repo';
import { CATEGORY_LABELS } from '../members/members.presenter';
import { consentsOf, messagesTo, personOf, positionsOf } from './me.repo';
import { consentView, memberData } from './me.presenter';
import { sendDataPdf } from './me.pdf';
import {
  askCorrection,
  askVirtualCard,
  changeConsent,
  CORRECTION_FIELDS,
  currentCard,
  mainMembership,
  type ConsentOutcome,
} from './me.service';
import { memberNews } from './news';
import { pushState } from '../push/push.service';
import { CHANNEL_LABELS } from '../messages/messages.service';
import { POSITION_LABELS } from '../members/members.input';
import { cutText } from '../../lib/text';

const field = (req: Request, name: string, max: number): string => {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? cutText(v, max) : '';
};

const CONSENT_KIND = z.enum(['PROCESSING', 'BONUS_PROGRAMME', 'MESSAGING']);
const OUTCOME_FLASH: Record<ConsentOutcome, string> = {
  given: 'Согласие дано',
  withdrawn: 'Согласие отозвано',
  unchanged: 'Согласие уже в этом состоянии — ничего не изменилось',
  'withdrawal-requested':
    'Согласие на обработку отозвано. Председатель получил ваше заявление; через 30 дней ваши персональные данные будут обезличены, если вы не дадите согласие снова',
};

async function cardView(personId: string) {
  const { main, card } = await currentCard(personId);
  const person = await personOf(personId);
  if (!card) return { main, card: null, person };
  const valid = card.status === 'ISSUED' && main.status === 'ACTIVE';
  const qr = valid
    ? `data:image/svg+xml;base64,${Buffer.from(
        await QRCode.toString(qrPayload(card.number, await cardSigningKey()), {
          type: 'svg',
          errorCorrectionLevel: 'M',
          margin: 1,
        }),
      ).toString('base64')}`
    : null;
  return {
    main,
    person,
    card: {
      number: formatCardNumber(card.number),
      rawNumber: card.number,
      form: card.form,
      status: card.status,
      statusLabel: CARD_STATUS_LABELS[card.status] ?? card.status,
      valid,
      issuedAt: card.issuedAt,
      qr,
    },
  };
}

async function showConsents(ctx: Ctx, error?: string) {
  const consents = consentView(await consentsOf(ctx.actor.personId!));
  await renderPage(ctx.res, 'me/consents', { title: 'Согласия', consents, error: error ?? null }, error ? 400 : 200);
}

async function showData(
  ctx: Ctx,
  form: { field?: string; proposed?: string } = {},
  errors: Record<string, string> = {},
) {
  const data = await memberData(ctx.actor.personId!);
  await renderPage(
    ctx.res,
    'me/data',
    {
      title: 'Мои данные',
      d: data,
      fields: Object.entries(CORRECTION_FIELDS).map(([value, label]) => ({ value, label })),
      form,
      errors,
    },
    Object.keys(errors).length ? 400 : 200,
  );
}

/** The member's own pages. Every one declares 'member-self' and reads only the signed-in member's person. */
export function mePages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/me',
      kind: 'page',
      action: 'member-self',
      async handler({ res, actor }) {
        const personId = actor.personId!;
        const { main, all } = await mainMembership(personId);
        const positions = await positionsOf(personId);
        const news = await memberNews(main.organisation.path, 1, 10);
        const push = await pushState(personId);
        const messages = await messagesTo(personId);
        await renderPage(res, 'me/home', {
          title: 'Личный кабинет',
          name: actor.fullName,
          membership: {
            organisation: main.organisation.shortName ?? main.organisation.name,
            category: CATEGORY_LABELS[main.category],
            joinedAt: fromDate(all.map((m) => m.joinedAt).sort((a, b) => a.getTime() - b.getTime())[0]),
            active: main.status === 'ACTIVE',
            exitedAt: main.exitedAt,
          },
          positions: positions.map((p) => ({
            title: p.title ?? POSITION_LABELS[p.kind],
            organisation: p.organisation.shortName ?? p.organisation.name,
            from: p.startDate,
            to: p.endDate,
          })),
          news: news.items,
          push,
          messages: messages.map((d) => ({
            channel: CHANNEL_LABELS[d.channel],
            sentAt: d.sentAt,
            subject: d.message.subject,
            text: d.message.text,
          })),
          scripts: push.consent ? ['/static/me-push.js'] : [],
        });
      },
    }),
    route({
      method: 'get',
      path: '/me/card',
      kind: 'page',
      action: 'member-self',
      async handler({ res, actor }) {
        const v = await cardView(actor.personId!);
        await renderPage(res, 'me/card', {
          title: 'Профсоюзный билет',
          name: actor.fullName,
          organisation: v.main.organisation.shortName ?? v.main.organisation.name,
          active: v.main.status === 'ACTIVE',
          atOnce: v.main.organisation.virtualCardsAtOnce,
          card: v.card,
          manifest: true,
          scripts: ['/static/me-card.js'],
        });
      },
    }),
    route({
      method: 'post',
      path: '/me/card/request',
      kind: 'page',
      action: 'member-self',
      async handler({ req, res, actor }) {
        try {
          const r = await askVirtualCard(actor);
          req.session.flash =
            r === 'issued'
              ? 'Виртуальный билет выдан: он на этой странице'
              : 'Просьба о виртуальном билете отправлена председателю. Когда он её одобрит, билет появится здесь';
        } catch (e) {
          if (!(e instanceof AppError) || e.status >= 500) throw e;
          req.session.flash = e.message;
        }
        res.redirect(303, '/me/card');
      },
    }),
    route({
      method: 'get',
      path: '/me/consents',
      kind: 'page',
      action: 'member-self',
      async handler(ctx) {
        await showConsents(ctx);
      },
    }),
    route({
      method: 'post',
      path: '/me/consents',
      kind: 'page',
      action: 'member-self',
      async handler(ctx) {
        const kind = CONSENT_KIND.safeParse(field(ctx.req, 'kind', 40));
        const given = field(ctx.req, 'given', 10);
        if (!kind.success || (given !== 'true' && given !== 'false'))
          return showConsents(ctx, 'Выберите согласие и действие');
        // Withdrawing the processing consent leads to depersonalisation: asked to confirm first.
        if (kind.data === 'PROCESSING' && given === 'false' && field(ctx.req, 'confirm', 10) !== 'yes')
          return showConsents(
            ctx,
            'Чтобы отозвать согласие на обработку персональных данных, отметьте «Я понимаю последствия»',
          );
        const outcome = await changeConsent(ctx.actor, kind.data, given === 'true');
        ctx.req.session.flash = OUTCOME_FLASH[outcome];
        ctx.res.redirect(303, '/me/consents');
      },
    }),
    route({
      method: 'get',
      path: '/me/data',
      kind: 'page',
      action: 'member-self',
      async handler(ctx) {
        await showData(ctx);
      },
    }),
    route({
      method: 'get',
      path: '/me/data.pdf',
      kind: 'page',
      action: 'member-self',
      async handler({ res, actor }) {
        await audit(null, { action: 'member.data.exported', entity: 'Person', entityId: actor.personId });
        sendDataPdf(res, await memberData(actor.personId!));
      },
    }),
    route({
      method: 'post',
      path: '/me/data/corrections',
      kind: 'page',
      action: 'member-self',
      async handler(ctx) {
        const f = field(ctx.req, 'field', 40);
        const proposed = field(ctx.req, 'proposed', 1000).trim();
        const errors: Record<string, string> = {};
        if (!(f in CORRECTION_FIELDS)) errors.field = 'Выберите, что исправить';
        if (!proposed) errors.proposed = 'Напишите, как правильно';
        else if (proposed.length > 500) errors.proposed = 'Не длиннее 500 символов';
        if (Object.keys(errors).length) return showData(ctx, { field: f, proposed }, errors);
        await askCorrection(ctx.actor, f as keyof typeof CORRECTION_FIELDS, proposed);
        ctx.req.session.flash = 'Просьба об исправлении отправлена председателю вашей организации';
        ctx.res.redirect(303, '/me/data');
      },
    }),
  ];
}
