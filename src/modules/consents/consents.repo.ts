import type { Tx } from '../../db';
import type { ConsentKind } from '../../generated/prisma/client';
import { toDate } from '../../lib/dates';

/**
 * Consent rows, written the same way by the chair's member card, the member's own page, the integration API and the
 * one-click unsubscribe: a consent is given by a new row and withdrawn by dating the rows in force.
 */

export async function insertConsents(
  tx: Tx,
  personId: string,
  kinds: ConsentKind[],
  date: string,
  textVersion: string,
) {
  if (!kinds.length) return;
  await tx.consent.createMany({ data: kinds.map((kind) => ({ personId, kind, givenAt: toDate(date), textVersion })) });
}

/** The consent of this kind in force (not withdrawn), the latest given. */
export async function currentConsent(tx: Tx, personId: string, kind: ConsentKind) {
  return tx.consent.findFirst({ where: { personId, kind, withdrawnAt: null }, orderBy: { givenAt: 'desc' } });
}

/** Withdraws every consent of this kind in force on `date`; returns how many rows were withdrawn. */
export async function withdrawInForce(tx: Tx, personId: string, kind: ConsentKind, date: string): Promise<number> {
  const r = await tx.consent.updateMany({
    where: { personId, kind, withdrawnAt: null },
    data: { withdrawnAt: toDate(date) },
  });
  return r.count;
}
