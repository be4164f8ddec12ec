-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('NEW', 'ACCEPTED', 'DECLINED');

-- CreateTable
CREATE TABLE "JoinApplication" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'NEW',
    "lastName" TEXT,
    "firstName" TEXT,
    "middleName" TEXT,
    "birthDate" DATE,
    "gender" "Gender",
    "phone" TEXT,
    "email" TEXT,
    "category" "Category",
    "consentBonus" BOOLEAN NOT NULL DEFAULT false,
    "consentMessaging" BOOLEAN NOT NULL DEFAULT false,
    "declineReason" TEXT,
    "memberId" UUID,
    "decidedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "JoinApplication_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JoinApplication_organisationId_status_idx" ON "JoinApplication"("organisationId", "status");


-- Hand-written: a declined application keeps no personal data.
ALTER TABLE "JoinApplication" ADD CONSTRAINT "JoinApplication_declined_wiped" CHECK ("status" <> 'DECLINED' OR ("lastName" IS NULL AND "firstName" IS NULL AND "middleName" IS NULL AND "birthDate" IS NULL AND "phone" IS NULL AND "email" IS NULL));
