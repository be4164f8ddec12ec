/**
 * Side B's rows, whole (version and updatedAt included), to compare before and after the write sweep: nothing an
 * actor of A sends may change a record of B.
 */
import { db } from '../../src/db';
import type { Side } from './leak-fixtures';

/**
 * One statement per table: the rows that belong to B, by B's organisations ($1), B's members ($2), B's persons ($3)
 * and B's users ($4). A row of A that points into B (a check-in with B's card at A's event, a transfer request
 * from B) is B's too: it is selected through B's member.
 */
const B_ITEMS = `SELECT id FROM "Announcement" WHERE "organisationId" = ANY($1::uuid[])
  UNION SELECT id FROM "Document" WHERE "organisationId" = ANY($1::uuid[])
  UNION SELECT id FROM "Survey" WHERE "organisationId" = ANY($1::uuid[])`;
const B_ROWS: Record<string, string> = {
  Organisation: `SELECT * FROM "Organisation" WHERE id = ANY($1::uuid[])`,
  Member: `SELECT * FROM "Member" WHERE "organisationId" = ANY($1::uuid[]) OR id = ANY($2::uuid[])`,
  Person: `SELECT * FROM "Person" WHERE id = ANY($3::uuid[])`,
  Registration: `SELECT * FROM "Registration" WHERE "memberId" = ANY($2::uuid[]) OR "organisationId" = ANY($1::uuid[])`,
  Movement: `SELECT * FROM "Movement" WHERE "memberId" = ANY($2::uuid[]) OR "organisationId" = ANY($1::uuid[])`,
  Consent: `SELECT * FROM "Consent" WHERE "personId" = ANY($3::uuid[])`,
  Position: `SELECT * FROM "Position" WHERE "personId" = ANY($3::uuid[]) OR "organisationId" = ANY($1::uuid[])`,
  Card: `SELECT * FROM "Card" WHERE "memberId" = ANY($2::uuid[])`,
  CardEvent: `SELECT e.* FROM "CardEvent" e JOIN "Card" c ON c.id = e."cardId" WHERE c."memberId" = ANY($2::uuid[])`,
  CardOrder: `SELECT * FROM "CardOrder" WHERE "organisationId" = ANY($1::uuid[])`,
  Event: `SELECT * FROM "Event" WHERE "organisationId" = ANY($1::uuid[])`,
  EventParticipant: `SELECT * FROM "EventParticipant" WHERE "memberId" = ANY($2::uuid[])`,
  Checkin: `SELECT * FROM "Checkin" WHERE "memberId" = ANY($2::uuid[])`,
  User: `SELECT * FROM "User" WHERE id = ANY($4::uuid[])`,
  RoleAssignment: `SELECT * FROM "RoleAssignment" WHERE "organisationId" = ANY($1::uuid[]) OR "userId" = ANY($4::uuid[])`,
  ApiToken: `SELECT * FROM "ApiToken" WHERE "userId" = ANY($4::uuid[])`,
  Announcement: `SELECT * FROM "Announcement" WHERE "organisationId" = ANY($1::uuid[])`,
  Document: `SELECT * FROM "Document" WHERE "organisationId" = ANY($1::uuid[])`,
  LibrarySection: `SELECT * FROM "LibrarySection" WHERE "organisationId" = ANY($1::uuid[])`,
  Survey: `SELECT * FROM "Survey" WHERE "organisationId" = ANY($1::uuid[])`,
  SurveyQuestion: `SELECT q.* FROM "SurveyQuestion" q JOIN "Survey" s ON s.id = q."surveyId" WHERE s."organisationId" = ANY($1::uuid[])`,
  Message: `SELECT * FROM "Message" WHERE "organisationId" = ANY($1::uuid[])`,
  ImportJob: `SELECT * FROM "ImportJob" WHERE "organisationId" = ANY($1::uuid[])`,
  JoinApplication: `SELECT * FROM "JoinApplication" WHERE "organisationId" = ANY($1::uuid[]) OR "memberId" = ANY($2::uuid[])`,
  Report: `SELECT * FROM "Report" WHERE "organisationId" = ANY($1::uuid[])`,
  TransferRequest: `SELECT * FROM "TransferRequest" WHERE "memberId" = ANY($2::uuid[]) OR "fromOrgId" = ANY($1::uuid[]) OR "toOrgId" = ANY($1::uuid[])`,
  VirtualCardRequest: `SELECT * FROM "VirtualCardRequest" WHERE "organisationId" = ANY($1::uuid[]) OR "memberId" = ANY($2::uuid[])`,
  // What reaches B's people from elsewhere: deliveries, mail, audiences, reads, answers.
  MessageDelivery: `SELECT * FROM "MessageDelivery" WHERE "personId" = ANY($3::uuid[])`,
  Outbox: `SELECT * FROM "Outbox" WHERE "recipientId" = ANY($3::uuid[]) OR "recipientId" = ANY($4::uuid[])`,
  AudienceMember: `SELECT * FROM "AudienceMember" WHERE "organisationId" = ANY($1::uuid[]) OR "userId" = ANY($4::uuid[])
    OR "itemId" IN (${B_ITEMS})`,
  AnnouncementRead: `SELECT * FROM "AnnouncementRead" WHERE "userId" = ANY($4::uuid[]) OR "announcementId" IN (${B_ITEMS})`,
  AnnouncementVersion: `SELECT * FROM "AnnouncementVersion" WHERE "announcementId" IN (${B_ITEMS})`,
  DocumentVersion: `SELECT * FROM "DocumentVersion" WHERE "documentId" IN (${B_ITEMS})`,
  DocumentDownload: `SELECT * FROM "DocumentDownload" WHERE "userId" = ANY($4::uuid[]) OR "documentId" IN (${B_ITEMS})`,
  SurveyRespondent: `SELECT * FROM "SurveyRespondent" WHERE "userId" = ANY($4::uuid[]) OR "surveyId" IN (${B_ITEMS})`,
  SurveyResponse: `SELECT * FROM "SurveyResponse" WHERE "userId" = ANY($4::uuid[]) OR "surveyId" IN (${B_ITEMS})`,
  CorrectionRequest: `SELECT * FROM "CorrectionRequest" WHERE "organisationId" = ANY($1::uuid[]) OR "personId" = ANY($3::uuid[])`,
};

/** Names every parameter once (PostgreSQL refuses a statement that leaves one untyped). */
const EVERY_PARAM =
  'cardinality($1::uuid[]) + cardinality($2::uuid[]) + cardinality($3::uuid[]) + cardinality($4::uuid[]) >= 0';

/** Side B's rows, table by table, each row as JSON (ordered, so two snapshots compare line by line). */
export async function snapshotOf(B: Side): Promise<string[]> {
  const orgs = B.ids.org;
  const members = await db().member.findMany({
    where: { organisationId: { in: orgs } },
    select: { id: true, personId: true },
  });
  const memberIds = [...new Set([...members.map((m) => m.id), ...B.ids.member])];
  const personIds = [...new Set([...members.map((m) => m.personId), B.personId])];
  const out: string[] = [];
  for (const [table, sql] of Object.entries(B_ROWS)) {
    const rows = await db().$queryRawUnsafe<unknown[]>(
      `SELECT to_jsonb(t)::text AS row FROM (${sql}) t WHERE ${EVERY_PARAM} ORDER BY 1`,
      orgs,
      memberIds,
      personIds,
      B.ids.user,
    );
    for (const r of rows as { row: string }[]) out.push(`${table} ${r.row}`);
  }
  return out;
}
