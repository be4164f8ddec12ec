-- CreateEnum
CREATE TYPE "ReportLevel" AS ENUM ('PRIMARY', 'TERRITORIAL', 'REGIONAL', 'CENTRAL');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "ReportStatus" AS ENUM ('DRAFT', 'SUBMITTED', 'ACCEPTED', 'RETURNED');

-- CreateTable
CREATE TABLE "ReportTemplate" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "level" "ReportLevel" NOT NULL,
    "appliesTo" JSONB,
    "definition" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReportTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReportCampaign" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "title" TEXT NOT NULL,
    "reportDate" DATE NOT NULL,
    "deadline" DATE NOT NULL,
    "status" "CampaignStatus" NOT NULL DEFAULT 'OPEN',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "ReportCampaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Report" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "campaignId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "templateId" UUID NOT NULL,
    "status" "ReportStatus" NOT NULL DEFAULT 'DRAFT',
    "entered" JSONB NOT NULL DEFAULT '{}',
    "frozen" JSONB,
    "comment" TEXT,
    "submittedAt" TIMESTAMP(3),
    "acceptedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Report_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IndicatorRollup" (
    "organisationId" UUID NOT NULL,
    "asOf" DATE NOT NULL,
    "values" JSONB NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IndicatorRollup_pkey" PRIMARY KEY ("asOf","organisationId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReportTemplate_code_version_key" ON "ReportTemplate"("code", "version");

-- CreateIndex
CREATE INDEX "Report_organisationId_idx" ON "Report"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "Report_campaignId_organisationId_key" ON "Report"("campaignId", "organisationId");

-- AddForeignKey
ALTER TABLE "Report" ADD CONSTRAINT "Report_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ReportCampaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Report" ADD CONSTRAINT "Report_templateId_fkey" FOREIGN KEY ("templateId") REFERENCES "ReportTemplate"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written.
ALTER TABLE "Report" ADD CONSTRAINT "Report_frozen_check" CHECK ("status" <> 'ACCEPTED' OR "frozen" IS NOT NULL);
ALTER TABLE "Report" ADD CONSTRAINT "Report_returned_comment_check" CHECK ("status" <> 'RETURNED' OR "comment" IS NOT NULL);
-- One active version per form code.
CREATE UNIQUE INDEX "ReportTemplate_one_active" ON "ReportTemplate" ("code") WHERE "active";

-- The reporting unit of each organisation (itself, or the nearest non-sub-unit above a профбюро/профгруппа).
ALTER TABLE "Organisation" ADD COLUMN "unitId" UUID;
CREATE INDEX "Organisation_unitId_idx" ON "Organisation"("unitId");
UPDATE "Organisation" o SET "unitId" = (
  SELECT u.id FROM "Organisation" u
  WHERE o.path LIKE u.path || '%' AND u.kind NOT IN ('PROFBURO', 'PROFGROUP')
  ORDER BY u.depth DESC LIMIT 1);
-- Kept by a trigger, so every way of inserting an organisation (forms, API, imports, builders) gets it right.
CREATE FUNCTION organisation_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind IN ('PROFBURO', 'PROFGROUP') THEN
    SELECT p."unitId" INTO NEW."unitId" FROM "Organisation" p WHERE p.id = NEW."parentId";
  ELSE
    NEW."unitId" := NEW.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "Organisation_unit" BEFORE INSERT ON "Organisation" FOR EACH ROW EXECUTE FUNCTION organisation_unit();
