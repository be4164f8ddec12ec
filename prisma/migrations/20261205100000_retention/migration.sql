-- CreateEnum
CREATE TYPE "DepersonalisationReason" AS ENUM ('RETENTION_EXPIRED', 'PROCESSING_WITHDRAWN');

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "depersonalisedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "RetentionSetting" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "yearsAfterExit" INTEGER NOT NULL DEFAULT 3,
    "updatedById" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RetentionSetting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DepersonalisationAct" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" SERIAL NOT NULL,
    "trigger" TEXT NOT NULL,
    "userId" UUID,
    "yearsAfterExit" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "personCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DepersonalisationAct_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DepersonalisationItem" (
    "id" BIGSERIAL NOT NULL,
    "actId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "reason" "DepersonalisationReason" NOT NULL,
    "basisDate" DATE NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DepersonalisationItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DepersonalisationAct_number_key" ON "DepersonalisationAct"("number");

-- CreateIndex
CREATE UNIQUE INDEX "DepersonalisationItem_personId_key" ON "DepersonalisationItem"("personId");

-- CreateIndex
CREATE INDEX "DepersonalisationItem_actId_idx" ON "DepersonalisationItem"("actId");

-- AddForeignKey
ALTER TABLE "DepersonalisationItem" ADD CONSTRAINT "DepersonalisationItem_actId_fkey" FOREIGN KEY ("actId") REFERENCES "DepersonalisationAct"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: one settings row, a sane period.
ALTER TABLE "RetentionSetting" ADD CONSTRAINT "RetentionSetting_one_row" CHECK (id = 1);
ALTER TABLE "RetentionSetting" ADD CONSTRAINT "RetentionSetting_years" CHECK ("yearsAfterExit" BETWEEN 1 AND 75);
INSERT INTO "RetentionSetting" (id, "yearsAfterExit") VALUES (1, 3);
ALTER TABLE "DepersonalisationAct" ADD CONSTRAINT "DepersonalisationAct_trigger" CHECK ("trigger" IN ('SCHEDULE', 'MANUAL'));

-- Whether reducing a birth date b to 1 January of its year would change the rule «younger than n years on D»
-- (b > (D - n years)::date, as the forms count youth and chairs' ages) for some day D in [d_from, d_to] (d_to NULL:
-- open) and some n in `years`. D - n years is non-decreasing in D and 1 January is always reached, so the rules
-- differ on some D exactly when (d_from - n years) < b and (d_to - n years) >= 1 January of b's year.
CREATE FUNCTION age_rule_crossed(b date, d_from date, d_to date, years int[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT b IS NOT NULL AND EXISTS (
    SELECT 1 FROM unnest(years) AS n
    WHERE (d_from - make_interval(years => n))::date < b
      AND (d_to IS NULL OR (d_to - make_interval(years => n))::date >= date_trunc('year', b)::date))
$$;
