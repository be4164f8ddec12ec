import { Prisma } from '../../generated/prisma/client';
import { PLACEHOLDER_LAST } from './depersonalised';

/**
 * The set-based statements of one depersonalisation batch. They run in one transaction over the temporary table
 * dep_batch (id, reason, basis, bd, phone, email): the persons chosen for this batch with their original birth date
 * and contacts (the contacts only to find what was addressed to them; the table is dropped at commit).
 */

export { PLACEHOLDER_LAST } from './depersonalised';

/**
 * Persons due now: every membership ended on or before `cutoff` (the retention period after the last exit), none
 * active, and no union position held after the cutoff; or every processing consent withdrawn on or before
 * `withdrawnBy` (30 days ago) and none given again. A person due for both is listed once, for the retention.
 */
export function dueSql(cutoff: string, withdrawnBy: string, limit: number): Prisma.Sql {
  return Prisma.sql`
    SELECT DISTINCT ON (id) id, reason, basis FROM (
      SELECT m."personId" AS id, 'RETENTION_EXPIRED'::"DepersonalisationReason" AS reason, max(m."exitedAt") AS basis, 1 AS pri
      FROM "Member" m JOIN "Person" p ON p.id = m."personId"
      WHERE p."depersonalisedAt" IS NULL
      GROUP BY m."personId"
      HAVING bool_and(m.status = 'EXITED' AND m."exitedAt" IS NOT NULL) AND max(m."exitedAt") <= ${cutoff}::date
        AND NOT EXISTS (SELECT 1 FROM "Position" q WHERE q."personId" = m."personId"
                        AND (q."endDate" IS NULL OR q."endDate" > ${cutoff}::date))
      UNION ALL
      SELECT c."personId", 'PROCESSING_WITHDRAWN'::"DepersonalisationReason", max(c."withdrawnAt"), 2
      FROM "Consent" c JOIN "Person" p ON p.id = c."personId"
      WHERE c.kind = 'PROCESSING' AND p."depersonalisedAt" IS NULL
      GROUP BY c."personId"
      HAVING bool_and(c."withdrawnAt" IS NOT NULL) AND max(c."withdrawnAt") <= ${withdrawnBy}::date
    ) due
    ORDER BY id, pri
    LIMIT ${limit}`;
}

/** How many are due now, by reason (the settings page's preview). */
export function dueCountSql(cutoff: string, withdrawnBy: string): Prisma.Sql {
  return Prisma.sql`SELECT reason::text AS reason, count(*)::int AS n FROM (${dueSql(cutoff, withdrawnBy, 10_000_000)}) d GROUP BY reason`;
}

export const CREATE_BATCH = Prisma.sql`
  CREATE TEMP TABLE dep_batch (id uuid PRIMARY KEY, reason "DepersonalisationReason" NOT NULL, basis date NOT NULL,
    bd date, phone text, email text) ON COMMIT DROP`;

/** Fills the batch, locking the persons (a concurrent correction waits, then finds the placeholder). */
export function fillBatchSql(cutoff: string, withdrawnBy: string, limit: number): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO dep_batch (id, reason, basis, bd, phone, email)
    SELECT p.id, d.reason, d.basis, p."birthDate", p.phone, p.email
    FROM (${dueSql(cutoff, withdrawnBy, limit)}) d JOIN "Person" p ON p.id = d.id
    WHERE p."depersonalisedAt" IS NULL
    FOR UPDATE OF p`;
}

/**
 * The person: names become the placeholder, contacts and СНИЛС go, the birth date keeps its year (1 January), the
 * identity key becomes a random unique value (a later person with the same name and birth date is a new person).
 * The gender stays (a statistical category). The trigger on Person then copies the reduced birth date onto the
 * person's registrations and positions; the next two statements put the exact date back where a form needs it.
 */
export const DEPERSONALISE_PERSONS = Prisma.sql`
  UPDATE "Person" p SET
    "lastName" = ${PLACEHOLDER_LAST}, "firstName" = '(ID ' || left(p.id::text, 8) || ')', "middleName" = NULL,
    "birthDate" = date_trunc('year', p."birthDate")::date, phone = NULL, email = NULL, snils = NULL,
    "lastNameKey" = upper(${PLACEHOLDER_LAST}), "identityKey" = 'обезличен|' || gen_random_uuid()::text,
    "depersonalisedAt" = now(), version = p.version + 1, "updatedAt" = now()
  FROM dep_batch b WHERE p.id = b.id`;

/**
 * The copies on Registration keep the exact birth date only where 1 January would move the member across the
 * youth line (35 years) on some day of that registration period: every count as of any date stays the same.
 */
export const RESTORE_REGISTRATION_COPIES = Prisma.sql`
  UPDATE "Registration" r SET "birthDate" = b.bd
  FROM "Member" m, dep_batch b
  WHERE r."memberId" = m.id AND m."personId" = b.id
    AND age_rule_crossed(b.bd, r."validFrom", r."validTo" - 1, ARRAY[35])`;

/** The same for positions (the chairs' age bands: 35 and 55 years; a position counts up to its end date inclusive). */
export const RESTORE_POSITION_COPIES = Prisma.sql`
  UPDATE "Position" q SET "birthDate" = b.bd
  FROM dep_batch b
  WHERE q."personId" = b.id AND age_rule_crossed(b.bd, q."startDate", q."endDate", ARRAY[35, 55])`;

/**
 * Spreadsheet uploads into an organisation where the person was registered (or above it), or that changed the person:
 * the stored file (kept until the import runs, and by a failed run) may hold their row, so it goes (the chair uploads
 * again), and so do the cells of the rows an import rejected (kept in the result to show what was wrong). A queued or
 * running import keeps its file: it clears it itself when it finishes.
 */
const IMPORT_UPLOADS = Prisma.sql`
  UPDATE "ImportJob" j SET
    file = CASE WHEN j.status IN ('QUEUED', 'RUNNING') THEN j.file END,
    result = CASE WHEN jsonb_typeof(j.result -> 'rejected') = 'array'
      THEN jsonb_set(j.result, '{rejected}',
             (SELECT coalesce(jsonb_agg(r - 'cells'), '[]'::jsonb) FROM jsonb_array_elements(j.result -> 'rejected') r))
      ELSE j.result END
  WHERE ((j.file IS NOT NULL AND j.status NOT IN ('QUEUED', 'RUNNING')) OR j.result::text LIKE '%"cells"%')
    AND (EXISTS (SELECT 1 FROM "ImportChange" i JOIN "Member" m ON m.id = i."memberId" JOIN dep_batch b ON b.id = m."personId"
                 WHERE i."importId" = j.id)
      OR EXISTS (SELECT 1 FROM "Registration" r JOIN "Member" m ON m.id = r."memberId" JOIN dep_batch b ON b.id = m."personId"
                 JOIN "Organisation" ro ON ro.id = r."organisationId" JOIN "Organisation" jo ON jo.id = j."organisationId"
                 WHERE ro.path LIKE jo.path || '%'))`;

/** Free texts and numbers tied to the person: memberships, movements, cards, card history, join applications, imports. */
export const CLEAR_RELATED = [
  Prisma.sql`UPDATE "Member" m SET "exitNote" = NULL, "externalId" = NULL, version = m.version + 1, "updatedAt" = now()
    FROM dep_batch b WHERE m."personId" = b.id`,
  Prisma.sql`UPDATE "Movement" v SET note = NULL FROM "Member" m, dep_batch b
    WHERE v."memberId" = m.id AND m."personId" = b.id AND v.note IS NOT NULL`,
  // A card number is an identifier of the holder: replaced by a 19-digit number the union never issues (its own are 16).
  Prisma.sql`UPDATE "Card" c SET "printedName" = NULL, "blockReason" = NULL, "updatedAt" = now(),
    number = '9' || lpad((floor(random() * 1e18))::bigint::text, 18, '0')
    FROM "Member" m, dep_batch b WHERE c."memberId" = m.id AND m."personId" = b.id`,
  Prisma.sql`UPDATE "CardEvent" e SET note = NULL FROM "Card" c, "Member" m, dep_batch b
    WHERE e."cardId" = c.id AND c."memberId" = m.id AND m."personId" = b.id AND e.note IS NOT NULL`,
  Prisma.sql`UPDATE "JoinApplication" j SET "lastName" = NULL, "firstName" = NULL, "middleName" = NULL, "birthDate" = NULL,
    phone = NULL, email = NULL, "declineReason" = NULL
    FROM "Member" m, dep_batch b WHERE j."memberId" = m.id AND m."personId" = b.id`,
  Prisma.sql`UPDATE "ImportChange" i SET before = NULL FROM "Member" m, dep_batch b
    WHERE i."memberId" = m.id AND m."personId" = b.id AND i.before IS NOT NULL`,
  // A card order's comment (why it was returned) is a chair's free text that may name the holder (a returned order
  // must say something: the placeholder).
  Prisma.sql`UPDATE "CardOrder" o SET "updatedAt" = now(),
    comment = CASE WHEN o.status = 'RETURNED' THEN '(обезличено)' END FROM "Card" c, "Member" m, dep_batch b
    WHERE c."orderId" = o.id AND c."memberId" = m.id AND m."personId" = b.id AND o.comment IS NOT NULL`,
  IMPORT_UPLOADS,
  // Outgoing messages addressed to the person's contacts: the row stays (the log of what was sent), its content goes.
  // The outbox keeps e-mails lower-cased and phones as +7XXXXXXXXXX, the card as typed: compared the same way.
  Prisma.sql`UPDATE "Outbox" o SET recipient = 'обезличен', subject = NULL, text = '(обезличено)', headers = NULL, error = NULL
    FROM dep_batch b
    WHERE (o.channel = 'EMAIL' AND lower(o.recipient) = lower(b.email))
       OR (o.channel = 'SMS' AND length(regexp_replace(b.phone, '[^0-9]', '', 'g')) >= 10
           AND right(regexp_replace(o.recipient, '[^0-9]', '', 'g'), 10) = right(regexp_replace(b.phone, '[^0-9]', '', 'g'), 10))`,
  Prisma.sql`UPDATE "Outbox" o SET recipient = 'обезличен', subject = NULL, text = '(обезличено)', headers = NULL, error = NULL
    FROM "MessageDelivery" d, dep_batch b WHERE o."recipientId" = d.id AND d."personId" = b.id`,
  Prisma.sql`DELETE FROM "PushSubscription" s USING dep_batch b WHERE s."personId" = b.id`,
  // The member's side: sign-in codes and tokens go, a signed-in member session ends, requests lose their texts.
  Prisma.sql`DELETE FROM "MemberCode" c USING dep_batch b WHERE c."personId" = b.id`,
  Prisma.sql`DELETE FROM "MemberToken" k USING dep_batch b WHERE k."personId" = b.id`,
  Prisma.sql`DELETE FROM "session" s USING dep_batch b WHERE s.sess ->> 'memberPersonId' = b.id::text`,
  Prisma.sql`UPDATE "CorrectionRequest" q SET proposed = '(обезличено)',
    status = CASE WHEN q.status = 'OPEN' THEN 'CANCELLED'::"MemberRequestStatus" ELSE q.status END,
    "closedAt" = coalesce(q."closedAt", now())
    FROM dep_batch b WHERE q."personId" = b.id`,
  // The withdrawal of the processing consent is now carried out: the chair's open request is closed.
  Prisma.sql`UPDATE "ProcessingWithdrawal" w SET status = 'DONE', "closedAt" = now()
    FROM dep_batch b WHERE w."personId" = b.id AND w.status = 'OPEN'`,
  Prisma.sql`UPDATE "VirtualCardRequest" v SET status = 'CANCELLED', "closedAt" = now()
    FROM "Member" m, dep_batch b WHERE v."memberId" = m.id AND m."personId" = b.id AND v.status = 'OPEN'`,
];

export function recordItemsSql(actId: string): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO "DepersonalisationItem" ("actId", "personId", reason, "basisDate")
    SELECT ${actId}::uuid, b.id, b.reason, b.basis FROM dep_batch b`;
}
