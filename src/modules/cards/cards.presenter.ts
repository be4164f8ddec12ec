import { fromDate } from '../../lib/dates';

/** A card as the API answers it (with its history when loaded). */
export function cardJson(c: {
  id: string;
  number: string;
  form: string;
  status: string;
  printedName: string | null;
  issuedAt: Date | null;
  blockedAt: Date | null;
  blockReason: string | null;
  orderId: string | null;
  replacesId: string | null;
  events?: { status: string; date: Date; note: string | null }[];
}) {
  return {
    id: c.id,
    number: c.number,
    form: c.form,
    status: c.status,
    printedName: c.printedName,
    issuedAt: c.issuedAt ? fromDate(c.issuedAt) : null,
    blockedAt: c.blockedAt ? fromDate(c.blockedAt) : null,
    blockReason: c.blockReason,
    orderId: c.orderId,
    replacesId: c.replacesId,
    ...(c.events ? { history: c.events.map((e) => ({ status: e.status, date: fromDate(e.date), note: e.note })) } : {}),
  };
}

/** A card order as the API answers it, with the number of its cards. */
export function orderJson(
  o: {
    id: string;
    number: number;
    organisationId: string;
    holderId: string;
    status: string;
    comment: string | null;
    batchId: string | null;
    submittedAt: Date;
    version: number;
  },
  count: number,
) {
  return {
    id: o.id,
    number: o.number,
    organisationId: o.organisationId,
    holderId: o.holderId,
    status: o.status,
    comment: o.comment,
    batchId: o.batchId,
    submittedAt: o.submittedAt.toISOString(),
    count,
    version: o.version,
  };
}
