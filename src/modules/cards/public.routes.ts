import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { verifyQuery } from './cards.input';
import { partnerFromRequest, verifyMembership } from './verify';
import { z } from 'zod';

type Limiters = RouteDef['before'];

/** The public membership check: the page and the API answer the same and nothing more; they share `limits`. */
export function verifyPages(limits: Limiters): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/verify',
      kind: 'page',
      action: 'public',
      async handler({ res }) {
        await renderPage(res, 'verify/page', { title: 'Проверка членства', values: {}, result: null });
      },
    }),
    route({
      // A POST: names never travel in the URL (history, logs, referrers).
      method: 'post',
      path: '/verify',
      kind: 'page',
      action: 'public',
      before: limits,
      async handler({ req, res }) {
        const q = verifyQuery.catch({ lastName: '', firstName: '', cardNumber: '' }).parse(req.body ?? {});
        const result = await verifyMembership(q, null);
        res.setHeader('Cache-Control', 'no-store');
        await renderPage(res, 'verify/page', { title: 'Проверка членства', values: q, result });
      },
    }),
  ];
}

export function verifyApi(limits: Limiters): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/verify',
      kind: 'api',
      action: 'public',
      tag: 'Проверка членства',
      before: limits,
      summary: 'Проверка билета: только VALID или NOT_FOUND (без входа или с ключом партнёра X-Api-Key)',
      query: verifyQuery,
      response: z.object({ result: z.enum(['VALID', 'NOT_FOUND']) }),
      async handler({ req, res, query }) {
        const partner = await partnerFromRequest(req);
        res.setHeader('Cache-Control', 'no-store');
        res.json({ result: await verifyMembership(query, partner) });
      },
    }),
  ];
}
