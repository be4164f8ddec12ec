/**
 * What the card pages and the card API share: loading an order, its holder, the central council, a card (each
 * checked against the actor's scope), the manufacturer's file; for the pages, the ids a form sends and an action
 * answered by a message on the page it came from.
 */
import { z } from 'zod';
import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';
import { sendCsv, sendXlsx } from '../../lib/exports';
import { audit } from '../audit/audit.repo';
import { findVisible, type OrgRow } from '../organisations/organisations.repo';
import { batchFileRows, findCard, findOrder, type OrderFull } from './cards.repo';

/** The OpenAPI tag of the card API. */
export const CARDS_TAG = 'Профсоюзные билеты';

export const ids = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).filter(
    (x): x is string => typeof x === 'string' && z.string().uuid().safeParse(x).success,
  );

export function redirectBack(ctx: Ctx, url: string, flash: string): void {
  ctx.req.session.flash = flash;
  ctx.res.redirect(303, url);
}

/** Runs an action and turns its refusal into a message on the page it came from. */
export async function act(ctx: Ctx, back: string, fn: () => Promise<string>) {
  try {
    redirectBack(ctx, back, await fn());
  } catch (e) {
    if (e instanceof AppError && ['UNPROCESSABLE', 'CONFLICT', 'STALE_VERSION', 'BAD_REQUEST'].includes(e.code)) {
      return redirectBack(ctx, back, `Не выполнено: ${e.fields ? Object.values(e.fields).join('; ') : e.message}`);
    }
    throw e;
  }
}

/** An order is seen by whoever sees its primary organisation (the holders are all above it). */
export async function loadOrderFor(ctx: Ctx, id: string): Promise<{ order: OrderFull; primary: OrgRow }> {
  const order = await findOrder(id);
  const primary = order ? await findVisible(ctx.actor, order.organisationId) : null;
  if (!order || !primary) throw new AppError('NOT_FOUND');
  return { order, primary };
}

/** The holder of the order, on which the forwarding actions are checked. */
export async function holderFor(ctx: Ctx, order: OrderFull): Promise<OrgRow> {
  const holder = await findVisible(ctx.actor, order.holderId);
  if (!holder) throw new AppError('FORBIDDEN', 'Заявка сейчас у вышестоящей организации');
  ctx.authorize(holder.path);
  return holder;
}

export async function loadCentral(ctx: Ctx): Promise<OrgRow> {
  const centralId = ctx.actor.assignments.find((a) => a.orgKind === 'CENTRAL')?.organisationId;
  const central = centralId ? await findVisible(ctx.actor, centralId) : null;
  if (!central) throw new AppError('NOT_FOUND');
  ctx.authorize(central.path);
  return central;
}

export async function loadCardFor(ctx: Ctx, id: string) {
  const c = await findCard(id);
  if (!c) throw new AppError('NOT_FOUND');
  const org = await findVisible(ctx.actor, c.member.organisationId);
  if (!org) throw new AppError('NOT_FOUND');
  ctx.authorize(org.path);
  return c;
}

export async function sendBatchFile(ctx: Ctx, b: { id: string; number: number }, format: 'xlsx' | 'csv') {
  const rows = await batchFileRows(b.id);
  await audit(ctx.actor, {
    action: 'card.batch.exported',
    entity: 'CardBatch',
    entityId: b.id,
    rowCount: rows.length,
    details: { format },
  });
  const columns = [
    { header: 'Номер карты', key: 'number', width: 20 },
    { header: 'ФИО', key: 'printedName', width: 40 },
    { header: 'Организация', key: 'orgPath', width: 70 },
    { header: 'Регион', key: 'region', width: 45 },
  ];
  const name = `partiya-${b.number}`;
  if (format === 'csv') return sendCsv(ctx.res, `${name}.csv`, columns, rows);
  return sendXlsx(ctx.res, `${name}.xlsx`, `Партия ${b.number}`, columns, rows);
}
