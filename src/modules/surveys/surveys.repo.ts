import { db, type Tx } from '../../db';
import { Prisma } from '../../generated/prisma/client';
import type { SurveyKind } from '../../generated/prisma/enums';
import type { AnswerRow, Question } from './answers';

const SURVEY_SELECT = {
  id: true,
  organisationId: true,
  title: true,
  instructions: true,
  kind: true,
  anonymous: true,
  status: true,
  opensAt: true,
  closesAt: true,
  passPercent: true,
  scoreAfterClose: true,
  audienceKinds: true,
  audienceRoles: true,
  audienceOrgIds: true,
  audienceMembers: true,
  addressed: true,
  lockedAt: true,
  publishedAt: true,
  questions: {
    orderBy: { position: 'asc' },
    select: {
      id: true,
      code: true,
      text: true,
      type: true,
      points: true,
      position: true,
      options: { orderBy: { position: 'asc' }, select: { id: true, code: true, text: true, correct: true } },
    },
  },
} satisfies Prisma.SurveySelect;

export async function findSurvey(id: string) {
  const s = await db().survey.findUnique({ where: { id }, select: SURVEY_SELECT });
  if (!s) return null;
  const organisation = await db().organisation.findUniqueOrThrow({
    where: { id: s.organisationId },
    select: { id: true, name: true, shortName: true, path: true, kind: true },
  });
  return { ...s, organisation };
}
export type SurveyFull = NonNullable<Awaited<ReturnType<typeof findSurvey>>>;
export const questionsOf = (s: SurveyFull): Question[] => s.questions;

/** Whether the survey (alias s, publisher o) passes the condition. */
export async function surveyPasses(cond: Prisma.Sql, id: string): Promise<boolean> {
  const r = await db().$queryRaw<{ ok: boolean }[]>`
    SELECT true AS ok FROM "Survey" s JOIN "Organisation" o ON o.id = s."organisationId" WHERE s.id = ${id}::uuid AND ${cond}`;
  return r.length > 0;
}

export interface SurveyListRow {
  id: string;
  title: string;
  kind: SurveyKind;
  status: string;
  opensAt: Date;
  closesAt: Date;
  anonymous: boolean;
  orgName: string;
  answered: boolean;
  addressedToMe: boolean;
}

/**
 * Published surveys addressed to the actor (`addressed` on alias s) or in their publishing scope (`mine`, which
 * also shows drafts); open ones first by closing time, then the rest newest first.
 */
const LIST_SQL = (
  addressed: Prisma.Sql,
  mine: Prisma.Sql,
  userId: string | null,
  openOnly: boolean,
  take: number,
  skip: number,
) => Prisma.sql`
  SELECT s.id, s.title, s.kind, s.status::text AS status, s."opensAt", s."closesAt", s.anonymous,
         coalesce(o."shortName", o.name) AS "orgName",
         EXISTS (SELECT 1 FROM "SurveyRespondent" r WHERE r."surveyId" = s.id AND r."userId" = ${userId}::uuid) AS answered,
         (s.status = 'PUBLISHED' AND ${addressed}) AS "addressedToMe",
         count(*) OVER ()::int AS total
  FROM "Survey" s JOIN "Organisation" o ON o.id = s."organisationId"
  WHERE ((s.status = 'PUBLISHED' AND ${addressed}) OR ${mine})
    ${openOnly ? Prisma.sql`AND s.status = 'PUBLISHED' AND now() >= s."opensAt" AND now() < s."closesAt"` : Prisma.empty}
  ORDER BY (s.status = 'PUBLISHED' AND now() >= s."opensAt" AND now() < s."closesAt") DESC, s."closesAt" DESC, s.id
  LIMIT ${take}::int OFFSET ${skip}::int`;

export async function listSurveys(
  addressed: Prisma.Sql,
  mine: Prisma.Sql,
  userId: string | null,
  q: { openOnly: boolean; page: number; pageSize: number },
) {
  const rows = await db().$queryRaw<(SurveyListRow & { total: number })[]>(
    LIST_SQL(addressed, mine, userId, q.openOnly, q.pageSize, (q.page - 1) * q.pageSize),
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function hasAnswered(surveyId: string, userId: string): Promise<boolean> {
  return (await db().surveyRespondent.count({ where: { surveyId, userId } })) > 0;
}

/** A named survey's stored answers of the user (never asked of an anonymous one). */
export async function namedResponse(surveyId: string, userId: string) {
  return db().surveyResponse.findUnique({
    where: { surveyId_userId: { surveyId, userId } },
    select: { score: true, answers: { select: { questionId: true, optionId: true, number: true, text: true } } },
  });
}

export async function insertQuestions(tx: Tx, surveyId: string, from: number, questions: Omit<Question, 'id'>[]) {
  let position = from;
  for (const q of questions) {
    position += 1;
    await tx.surveyQuestion.create({
      data: {
        surveyId,
        position,
        code: q.code,
        text: q.text,
        type: q.type,
        points: q.points,
        options: {
          create: q.options.map((o, i) => ({ position: i + 1, code: o.code, text: o.text, correct: o.correct })),
        },
      },
    });
  }
}

/** Locks the survey row; the structure can change only while no answer exists. */
export async function lockSurvey(tx: Tx, id: string) {
  const r = await tx.$queryRaw<{ lockedAt: Date | null; closesAt: Date; opensAt: Date }[]>`
    SELECT "lockedAt", "closesAt", "opensAt" FROM "Survey" WHERE id = ${id}::uuid FOR UPDATE`;
  return r[0] ?? null;
}

/** Records that the user answered; false when they already had. */
export async function addRespondent(tx: Tx, surveyId: string, userId: string): Promise<boolean> {
  const n = await tx.$executeRaw`
    INSERT INTO "SurveyRespondent" ("surveyId", "userId") VALUES (${surveyId}::uuid, ${userId}::uuid) ON CONFLICT DO NOTHING`;
  return n === 1;
}

/** Stores one set of answers: for a named survey replacing the user's previous set; anonymous ones carry no user. */
export async function storeResponse(
  tx: Tx,
  surveyId: string,
  userId: string | null,
  score: number | null,
  rows: AnswerRow[],
) {
  if (userId) await tx.surveyResponse.deleteMany({ where: { surveyId, userId } });
  const r = await tx.surveyResponse.create({ data: { surveyId, userId, score }, select: { id: true } });
  await tx.surveyAnswer.createMany({
    data: rows.map((a) => ({
      responseId: r.id,
      questionId: a.questionId,
      optionId: a.optionId,
      number: a.number,
      text: a.text,
    })),
  });
}
