-- CreateEnum
CREATE TYPE "MemberRequestStatus" AS ENUM ('OPEN', 'DONE', 'REJECTED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "virtualCardsAtOnce" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "VirtualCardRequest" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "memberId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "status" "MemberRequestStatus" NOT NULL DEFAULT 'OPEN',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "closedById" UUID,
    "cardId" UUID,

    CONSTRAINT "VirtualCardRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessingWithdrawal" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "status" "MemberRequestStatus" NOT NULL DEFAULT 'OPEN',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "ProcessingWithdrawal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CorrectionRequest" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "field" TEXT NOT NULL,
    "proposed" TEXT NOT NULL,
    "status" "MemberRequestStatus" NOT NULL DEFAULT 'OPEN',
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "closedById" UUID,

    CONSTRAINT "CorrectionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "VirtualCardRequest_organisationId_status_requestedAt_idx" ON "VirtualCardRequest"("organisationId", "status", "requestedAt");

-- CreateIndex
CREATE INDEX "VirtualCardRequest_memberId_idx" ON "VirtualCardRequest"("memberId");

-- CreateIndex
CREATE INDEX "ProcessingWithdrawal_organisationId_status_requestedAt_idx" ON "ProcessingWithdrawal"("organisationId", "status", "requestedAt");

-- CreateIndex
CREATE INDEX "ProcessingWithdrawal_personId_idx" ON "ProcessingWithdrawal"("personId");

-- CreateIndex
CREATE INDEX "ProcessingWithdrawal_status_requestedAt_idx" ON "ProcessingWithdrawal"("status", "requestedAt");

-- CreateIndex
CREATE INDEX "CorrectionRequest_organisationId_status_requestedAt_idx" ON "CorrectionRequest"("organisationId", "status", "requestedAt");

-- CreateIndex
CREATE INDEX "CorrectionRequest_personId_idx" ON "CorrectionRequest"("personId");


-- One open virtual-card request per member, one open processing withdrawal per person.
CREATE UNIQUE INDEX "VirtualCardRequest_open_key" ON "VirtualCardRequest" ("memberId") WHERE "status" = 'OPEN';
CREATE UNIQUE INDEX "ProcessingWithdrawal_open_key" ON "ProcessingWithdrawal" ("personId") WHERE "status" = 'OPEN';
ALTER TABLE "CorrectionRequest" ADD CONSTRAINT "CorrectionRequest_proposed_len" CHECK (length("proposed") BETWEEN 1 AND 500);
