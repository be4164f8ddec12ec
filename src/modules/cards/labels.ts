export const CARD_STATUS_LABELS: Record<string, string> = {
  ORDERED: 'заказан',
  IN_PRODUCTION: 'в производстве',
  DELIVERED_REGION: 'доставлен в регион',
  DELIVERED_PRIMARY: 'доставлен в ППО',
  ISSUED: 'выдан',
  BLOCKED: 'заблокирован',
};
export const ORDER_STATUS_LABELS: Record<string, string> = {
  SUBMITTED: 'подана',
  FORWARDED: 'передана выше',
  RETURNED: 'возвращена',
  IN_BATCH: 'в партии',
  PRODUCED: 'изготовлена',
  DELIVERED: 'доставляется',
  CLOSED: 'закрыта',
};

/** An order's status as a chair reads it: a delivered order at its own primary awaits issue. */
export function orderStatusLabel(o: { status: string; holderId: string; organisationId: string }): string {
  if (o.status === 'DELIVERED' && o.holderId === o.organisationId) return 'в ППО, выдаётся';
  return ORDER_STATUS_LABELS[o.status] ?? o.status;
}
