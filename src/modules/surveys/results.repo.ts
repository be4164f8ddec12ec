import { db } from '../../db';

/** Per question: how many responses answered it. One GROUP BY. */
export async function answeredPerQuestion(surveyId: string): Promise<Map<string, number>> {
  const rows = await db().$queryRaw<{ questionId: string; n: number }[]>`
    SELECT a."questionId", count(DISTINCT a."responseId")::int AS n
    FROM "SurveyAnswer" a JOIN "SurveyResponse" r ON r.id = a."responseId"
    WHERE r."surveyId" = ${surveyId}::uuid GROUP BY a."questionId"`;
  return new Map(rows.map((r) => [r.questionId, r.n]));
}

/** Per chosen option, and per number value of SCALE questions: counts. One GROUP BY. */
export async function optionCounts(surveyId: string) {
  return db().$queryRaw<{ questionId: string; optionId: string; number: string | null; n: number }[]>`
    SELECT a."questionId", a."optionId", CASE WHEN q.type = 'SCALE' THEN a.number::text END AS number, count(*)::int AS n
    FROM "SurveyAnswer" a JOIN "SurveyResponse" r ON r.id = a."responseId" JOIN "SurveyQuestion" q ON q.id = a."questionId"
    WHERE r."surveyId" = ${surveyId}::uuid AND q.type IN ('ONE', 'MANY', 'SCALE')
    GROUP BY 1, 2, 3`;
}

/** NUMBER and SCALE questions: average, minimum, maximum. */
export async function numberStats(surveyId: string) {
  return db().$queryRaw<{ questionId: string; avg: string; min: string; max: string }[]>`
    SELECT a."questionId", round(avg(a.number), 2)::text AS avg, min(a.number)::text AS min, max(a.number)::text AS max
    FROM "SurveyAnswer" a JOIN "SurveyResponse" r ON r.id = a."responseId"
    WHERE r."surveyId" = ${surveyId}::uuid AND a.number IS NOT NULL GROUP BY 1`;
}

/** The texts given to TEXT questions, alphabetically (no respondent attached). */
export async function textAnswers(surveyId: string, perQuestion = 100) {
  return db().$queryRaw<{ questionId: string; text: string }[]>`
    SELECT "questionId", text FROM (
      SELECT a."questionId", a.text, row_number() OVER (PARTITION BY a."questionId" ORDER BY a.text) AS k
      FROM "SurveyAnswer" a JOIN "SurveyResponse" r ON r.id = a."responseId"
      WHERE r."surveyId" = ${surveyId}::uuid AND a.text IS NOT NULL
    ) t WHERE k <= ${perQuestion}::int ORDER BY "questionId", text`;
}

export async function responseCount(surveyId: string): Promise<number> {
  return db().surveyResponse.count({ where: { surveyId } });
}

/** A test's score distribution: responses per score. */
export async function scoreDistribution(surveyId: string) {
  return db().$queryRaw<{ score: number; n: number }[]>`
    SELECT score, count(*)::int AS n FROM "SurveyResponse" WHERE "surveyId" = ${surveyId}::uuid AND score IS NOT NULL
    GROUP BY score ORDER BY score`;
}

/**
 * Every response with its answers, for the export: a named survey's respondent (name, organisation) is given,
 * an anonymous one's is not (responses in the order of their random ids, which follows nothing).
 */
export async function allAnswers(surveyId: string, named: boolean) {
  return db().$queryRaw<
    {
      responseId: string;
      fullName: string | null;
      orgName: string | null;
      score: number | null;
      questionId: string;
      optionId: string;
      number: string | null;
      text: string | null;
    }[]
  >`
    SELECT r.id AS "responseId",
           CASE WHEN ${named} THEN u."fullName" END AS "fullName",
           CASE WHEN ${named} THEN (SELECT coalesce(o."shortName", o.name) FROM "AudienceMember" m JOIN "Organisation" o ON o.id = m."organisationId"
                 WHERE m."itemType" = 'SURVEY' AND m."itemId" = r."surveyId" AND m."userId" = r."userId") END AS "orgName",
           r.score, a."questionId", a."optionId", a.number::text AS number, a.text
    FROM "SurveyResponse" r
    LEFT JOIN "User" u ON u.id = r."userId"
    JOIN "SurveyAnswer" a ON a."responseId" = r.id
    WHERE r."surveyId" = ${surveyId}::uuid
    ORDER BY CASE WHEN ${named} THEN upper(translate(u."fullName", 'Ёё', 'Ее')) END, r.id, a."questionId"
    LIMIT 500000`;
}
