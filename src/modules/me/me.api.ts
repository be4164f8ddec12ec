import { z } from 'zod';
import { type RouteDef, route } from '../../http/route';
import { fromDate } from '../../lib/dates';
import { consentsOf, personOf } from './me.repo';
import { consentView, memberData } from './me.presenter';
import { changeConsent, currentCard } from './me.service';
import { memberNews } from './news';

const consentBody = z.object({
  kind: z.enum(['BONUS_PROGRAMME', 'MESSAGING', 'PROCESSING'], {
    message: 'kind: BONUS_PROGRAMME, MESSAGING или PROCESSING',
  }),
  given: z.boolean({ message: 'given: true или false' }),
});
const newsQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).catch(50).default(50),
});

/** The member's API (a member token acts for that member only): paths and fields as in API.md. */
export function meApi(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/member/me',
      kind: 'api',
      action: 'member-self',
      tag: 'Член Профсоюза',
      summary: 'Свои данные: ФИО, организация, категория, билет, согласия',
      async handler({ res, actor }) {
        const personId = actor.personId!;
        const [person, { main, card }, consents] = await Promise.all([
          personOf(personId),
          currentCard(personId),
          consentsOf(personId),
        ]);
        res.json({
          lastName: person.lastName,
          firstName: person.firstName,
          middleName: person.middleName,
          organisation: { id: main.organisation.id, name: main.organisation.shortName ?? main.organisation.name },
          category: main.category,
          joinedAt: fromDate(main.joinedAt),
          card: card ? { number: card.number, form: card.form, status: card.status } : null,
          consents: consentView(consents).map((c) => ({
            kind: c.kind,
            given: c.given,
            givenAt: c.givenAt,
            withdrawnAt: c.withdrawnAt,
            textVersion: c.textVersion,
          })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/member/consents',
      kind: 'api',
      action: 'member-self',
      tag: 'Член Профсоюза',
      summary: 'Дать или отозвать согласие (отзыв согласия на обработку — 202, заявление председателю)',
      body: consentBody,
      async handler({ res, actor, body }) {
        const b = body;
        const outcome = await changeConsent(actor, b.kind, b.given);
        const consents = consentView(await consentsOf(actor.personId!)).find((c) => c.kind === b.kind)!;
        res.status(outcome === 'withdrawal-requested' ? 202 : 200).json({
          kind: consents.kind,
          given: consents.given,
          givenAt: consents.givenAt,
          withdrawnAt: consents.withdrawnAt,
          textVersion: consents.textVersion,
          ...(outcome === 'withdrawal-requested' ? { request: 'PROCESSING_WITHDRAWAL' } : {}),
        });
      },
    }),
    route({
      method: 'get',
      path: '/member/data',
      kind: 'api',
      action: 'member-self',
      tag: 'Член Профсоюза',
      summary: 'Всё, что Профсоюз хранит о члене (152-ФЗ ст. 14)',
      async handler({ res, actor }) {
        res.json(await memberData(actor.personId!));
      },
    }),
    route({
      method: 'get',
      path: '/member/news',
      kind: 'api',
      action: 'member-self',
      tag: 'Член Профсоюза',
      summary: 'Новости Профсоюза для членов (объявления с аудиторией «члены Профсоюза»)',
      query: newsQuery,
      async handler({ res, actor, query }) {
        const q = query;
        const { main } = await currentCard(actor.personId!);
        const page = await memberNews(main.organisation.path, q.page, q.pageSize);
        res.json({
          items: page.items.map((n) => ({ ...n, publishedAt: n.publishedAt.toISOString() })),
          page: page.page,
          pageSize: page.pageSize,
          total: page.total,
        });
      },
    }),
  ];
}
