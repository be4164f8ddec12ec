-- CreateEnum
CREATE TYPE "TransferRequestStatus" AS ENUM ('PENDING', 'APPROVED', 'DECLINED');

-- CreateTable
CREATE TABLE "TransferRequest" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "memberId" UUID NOT NULL,
    "fromOrgId" UUID NOT NULL,
    "toOrgId" UUID NOT NULL,
    "date" DATE NOT NULL,
    "status" "TransferRequestStatus" NOT NULL DEFAULT 'PENDING',
    "requestedById" UUID,
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TransferRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TransferRequest_fromOrgId_status_idx" ON "TransferRequest"("fromOrgId", "status");

-- CreateIndex
CREATE INDEX "TransferRequest_toOrgId_status_idx" ON "TransferRequest"("toOrgId", "status");


-- One open request per member: a second one from anywhere waits until the first is decided.
CREATE UNIQUE INDEX "TransferRequest_one_pending" ON "TransferRequest"("memberId") WHERE "status" = 'PENDING';
