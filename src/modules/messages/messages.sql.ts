import { Prisma } from '../../generated/prisma/client';
import type { Category, OutboxChannel } from '../../generated/prisma/client';

/**
 * The members a message may reach, as of the moment of sending: active members of the organisation's subtree
 * (optionally of one category), each with two flags: `consent` (the messaging consent in force today, and the
 * processing consent not withdrawn) and `contact` (an e-mail, a phone or a push subscription for the channel).
 */
export function audienceSql(path: string, channel: OutboxChannel, category: Category | null, on: string): Prisma.Sql {
  const contact =
    channel === 'EMAIL'
      ? Prisma.sql`coalesce(btrim(p.email), '') <> ''`
      : channel === 'SMS'
        ? Prisma.sql`coalesce(btrim(p.phone), '') <> ''`
        : Prisma.sql`EXISTS (SELECT 1 FROM "PushSubscription" s WHERE s."personId" = p.id)`;
  return Prisma.sql`
    SELECT p.id,
      (${consentInForce(Prisma.sql`p.id`, on)}) AS consent,
      (${contact}) AS contact
    FROM "Member" m
    JOIN "Organisation" o ON o.id = m."organisationId"
    JOIN "Person" p ON p.id = m."personId"
    WHERE o.path LIKE ${path} || '%' AND m.status = 'ACTIVE'
      AND (${category}::"Category" IS NULL OR m.category = ${category}::"Category")`;
}

/** The messaging consent given on or before `on` and not withdrawn by then, and a processing consent in force. */
export function consentInForce(personId: Prisma.Sql, on: string): Prisma.Sql {
  return Prisma.sql`
    EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = ${personId} AND k.kind = 'MESSAGING'
            AND k."givenAt" <= ${on}::date AND (k."withdrawnAt" IS NULL OR k."withdrawnAt" > ${on}::date))
    AND EXISTS (SELECT 1 FROM "Consent" k WHERE k."personId" = ${personId} AND k.kind = 'PROCESSING'
            AND k."givenAt" <= ${on}::date AND (k."withdrawnAt" IS NULL OR k."withdrawnAt" > ${on}::date))`;
}

export function audienceCountsSql(audience: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT count(*) FILTER (WHERE a.consent AND a.contact)::int AS recipients,
           count(*) FILTER (WHERE NOT a.consent)::int AS "skippedNoConsent",
           count(*) FILTER (WHERE a.consent AND NOT a.contact)::int AS "skippedNoContact"
    FROM (${audience}) a`;
}

export function insertDeliveriesSql(messageId: string, channel: OutboxChannel, audience: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "MessageDelivery" ("messageId", "personId", channel)
    SELECT ${messageId}::uuid, a.id, ${channel}::"OutboxChannel" FROM (${audience}) a WHERE a.consent AND a.contact`;
}

/**
 * Claims the next delivery due: one statement, committed before anything is sent. A claimed row (SENDING) is
 * never claimed again, so two workers, or a worker restarted after dying mid-send, cannot send it twice.
 */
export function claimSql(messageId: string): Prisma.Sql {
  return Prisma.sql`
    UPDATE "MessageDelivery" d SET status = 'SENDING', attempts = d.attempts + 1, "claimedAt" = now()
    WHERE d.id = (SELECT id FROM "MessageDelivery"
                  WHERE "messageId" = ${messageId}::uuid AND status = 'PENDING' AND "nextAttemptAt" <= now()
                  ORDER BY "nextAttemptAt", id LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d."personId", d.attempts`;
}

/**
 * Deliveries left SENDING by a worker that died: the outbox says how far the send got. Handed to the transport and
 * accepted → SENT; refused → back to PENDING for a retry; the outbox row written but never settled (the process died
 * inside the transport) → FAILED, not retried: it may have gone out, and a member must not get it twice; no outbox
 * row at all → the send never started → PENDING.
 */
export function recoverSql(messageId: string, staleSeconds: number, maxAttempts: number): Prisma.Sql {
  return Prisma.sql`
    WITH stale AS (
      SELECT d.id, d.attempts,
        bool_or(x.status IN ('SENT', 'STORED')) AS sent,
        bool_or(x.status = 'PENDING') AS unsettled,
        bool_or(x.status = 'FAILED') AS failed,
        max(coalesce(x."sentAt", x."createdAt")) AS at
      FROM "MessageDelivery" d LEFT JOIN "Outbox" x ON x."recipientId" = d.id
      WHERE d."messageId" = ${messageId}::uuid AND d.status = 'SENDING'
        AND d."claimedAt" < now() - make_interval(secs => ${staleSeconds})
      GROUP BY d.id, d.attempts)
    UPDATE "MessageDelivery" d SET
      status = CASE WHEN s.sent THEN 'SENT' WHEN s.unsettled THEN 'FAILED'
                    WHEN s.failed AND s.attempts >= ${maxAttempts} THEN 'FAILED' ELSE 'PENDING' END::"DeliveryStatus",
      "sentAt" = CASE WHEN s.sent THEN s.at END,
      error = CASE WHEN s.sent THEN NULL
                   WHEN s.unsettled THEN 'Отправка прервана; повторно не отправляется, чтобы не отправить дважды'
                   ELSE d.error END
    FROM stale s WHERE d.id = s.id`;
}
