-- CreateEnum
CREATE TYPE "SurveyKind" AS ENUM ('SURVEY', 'TEST');

-- CreateEnum
CREATE TYPE "SurveyStatus" AS ENUM ('DRAFT', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "QuestionType" AS ENUM ('ONE', 'MANY', 'NUMBER', 'TEXT', 'SCALE');

-- CreateTable
CREATE TABLE "Survey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL DEFAULT '',
    "kind" "SurveyKind" NOT NULL,
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "status" "SurveyStatus" NOT NULL DEFAULT 'DRAFT',
    "opensAt" TIMESTAMP(3) NOT NULL,
    "closesAt" TIMESTAMP(3) NOT NULL,
    "passPercent" INTEGER,
    "scoreAfterClose" BOOLEAN NOT NULL DEFAULT false,
    "audienceKinds" "OrgKind"[] NOT NULL DEFAULT ARRAY[]::"OrgKind"[],
    "audienceRoles" "Role"[] NOT NULL DEFAULT ARRAY[]::"Role"[],
    "audienceOrgIds" UUID[] NOT NULL DEFAULT ARRAY[]::UUID[],
    "audienceMembers" BOOLEAN NOT NULL DEFAULT false,
    "addressed" INTEGER NOT NULL DEFAULT 0,
    "lockedAt" TIMESTAMP(3),
    "copiedFromId" UUID,
    "createdById" UUID,
    "publishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyQuestion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "surveyId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "type" "QuestionType" NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SurveyQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyOption" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "questionId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "correct" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "SurveyOption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyRespondent" (
    "surveyId" UUID NOT NULL,
    "userId" UUID NOT NULL,

    CONSTRAINT "SurveyRespondent_pkey" PRIMARY KEY ("surveyId","userId")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "surveyId" UUID NOT NULL,
    "userId" UUID,
    "score" INTEGER,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyAnswer" (
    "responseId" UUID NOT NULL,
    "questionId" UUID NOT NULL,
    "optionId" UUID NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    "number" DECIMAL(14,2),
    "text" TEXT,

    CONSTRAINT "SurveyAnswer_pkey" PRIMARY KEY ("responseId","questionId","optionId")
);

-- CreateIndex
CREATE INDEX "Survey_organisationId_idx" ON "Survey"("organisationId");

-- CreateIndex
CREATE INDEX "Survey_status_closesAt_idx" ON "Survey"("status", "closesAt");

-- CreateIndex
CREATE INDEX "SurveyQuestion_surveyId_position_idx" ON "SurveyQuestion"("surveyId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyQuestion_surveyId_code_key" ON "SurveyQuestion"("surveyId", "code");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyOption_questionId_code_key" ON "SurveyOption"("questionId", "code");

-- CreateIndex
CREATE INDEX "SurveyResponse_surveyId_idx" ON "SurveyResponse"("surveyId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyResponse_surveyId_userId_key" ON "SurveyResponse"("surveyId", "userId");

-- CreateIndex
CREATE INDEX "SurveyAnswer_questionId_optionId_idx" ON "SurveyAnswer"("questionId", "optionId");

-- AddForeignKey
ALTER TABLE "SurveyQuestion" ADD CONSTRAINT "SurveyQuestion_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyOption" ADD CONSTRAINT "SurveyOption_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "SurveyQuestion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyRespondent" ADD CONSTRAINT "SurveyRespondent_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_responseId_fkey" FOREIGN KEY ("responseId") REFERENCES "SurveyResponse"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written checks.
ALTER TABLE "Survey" ADD CONSTRAINT "Survey_dates_check" CHECK ("closesAt" > "opensAt");
ALTER TABLE "Survey" ADD CONSTRAINT "Survey_passPercent_check" CHECK ("passPercent" IS NULL OR "passPercent" BETWEEN 0 AND 100);
ALTER TABLE "SurveyQuestion" ADD CONSTRAINT "SurveyQuestion_points_check" CHECK ("points" >= 0);
-- An anonymous survey's responses never name a user.
CREATE OR REPLACE FUNCTION survey_response_anonymous() RETURNS trigger AS $$
BEGIN
  IF NEW."userId" IS NOT NULL AND (SELECT anonymous FROM "Survey" WHERE id = NEW."surveyId") THEN
    RAISE EXCEPTION 'anonymous survey responses carry no user';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER "SurveyResponse_anonymous" BEFORE INSERT OR UPDATE ON "SurveyResponse"
  FOR EACH ROW EXECUTE FUNCTION survey_response_anonymous();
