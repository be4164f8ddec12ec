-- CreateEnum
CREATE TYPE "CardOrderStatus" AS ENUM ('SUBMITTED', 'FORWARDED', 'RETURNED', 'IN_BATCH', 'PRODUCED', 'DELIVERED', 'CLOSED');

-- CreateEnum
CREATE TYPE "CardBatchStatus" AS ENUM ('CREATED', 'PRODUCED', 'DELIVERED');

-- CreateEnum
CREATE TYPE "EventKind" AS ENUM ('BOARD_MEETING', 'CONFERENCE', 'EVENT');

-- AlterTable
ALTER TABLE "Card" ADD COLUMN     "batchId" UUID,
ADD COLUMN     "orderId" UUID,
ADD COLUMN     "printedName" TEXT,
ADD COLUMN     "replacesId" UUID;

-- CreateTable
CREATE TABLE "CardEvent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cardId" UUID NOT NULL,
    "status" "CardStatus" NOT NULL,
    "date" DATE NOT NULL,
    "note" TEXT,
    "userId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CardEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CardOrder" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" SERIAL NOT NULL,
    "organisationId" UUID NOT NULL,
    "holderId" UUID NOT NULL,
    "status" "CardOrderStatus" NOT NULL DEFAULT 'SUBMITTED',
    "comment" TEXT,
    "batchId" UUID,
    "createdById" UUID,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "CardOrder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CardBatch" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" SERIAL NOT NULL,
    "status" "CardBatchStatus" NOT NULL DEFAULT 'CREATED',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "producedAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "CardBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "kind" "EventKind" NOT NULL,
    "date" DATE NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventParticipant" (
    "eventId" UUID NOT NULL,
    "memberId" UUID NOT NULL,

    CONSTRAINT "EventParticipant_pkey" PRIMARY KEY ("eventId","memberId")
);

-- CreateTable
CREATE TABLE "Checkin" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "eventId" UUID NOT NULL,
    "memberId" UUID NOT NULL,
    "cardId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "clientId" TEXT,
    "userId" UUID,

    CONSTRAINT "Checkin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PartnerKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "scope" TEXT NOT NULL DEFAULT 'verify',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "PartnerKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CardEvent_cardId_idx" ON "CardEvent"("cardId");

-- CreateIndex
CREATE UNIQUE INDEX "CardOrder_number_key" ON "CardOrder"("number");

-- CreateIndex
CREATE INDEX "CardOrder_organisationId_idx" ON "CardOrder"("organisationId");

-- CreateIndex
CREATE INDEX "CardOrder_holderId_status_idx" ON "CardOrder"("holderId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "CardBatch_number_key" ON "CardBatch"("number");

-- CreateIndex
CREATE INDEX "Event_organisationId_date_idx" ON "Event"("organisationId", "date");

-- CreateIndex
CREATE INDEX "Checkin_eventId_at_idx" ON "Checkin"("eventId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Checkin_eventId_memberId_key" ON "Checkin"("eventId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerKey_keyHash_key" ON "PartnerKey"("keyHash");

-- CreateIndex
CREATE UNIQUE INDEX "Card_replacesId_key" ON "Card"("replacesId");

-- CreateIndex
CREATE INDEX "Card_orderId_idx" ON "Card"("orderId");

-- CreateIndex
CREATE INDEX "Card_batchId_idx" ON "Card"("batchId");

-- CreateIndex
CREATE INDEX "Card_status_idx" ON "Card"("status");

-- AddForeignKey
ALTER TABLE "Card" ADD CONSTRAINT "Card_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "CardOrder"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Card" ADD CONSTRAINT "Card_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "CardBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Card" ADD CONSTRAINT "Card_replacesId_fkey" FOREIGN KEY ("replacesId") REFERENCES "Card"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CardEvent" ADD CONSTRAINT "CardEvent_cardId_fkey" FOREIGN KEY ("cardId") REFERENCES "Card"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CardOrder" ADD CONSTRAINT "CardOrder_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "CardBatch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EventParticipant" ADD CONSTRAINT "EventParticipant_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Checkin" ADD CONSTRAINT "Checkin_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "Event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- CreateTable
CREATE TABLE "AppSecret" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppSecret_pkey" PRIMARY KEY ("name")
);

-- ---------------------------------------------------------------------------------------------
-- Hand-written.
-- ---------------------------------------------------------------------------------------------
-- Card numbers come from a sequence and are never reused (a blocked card keeps its number).
CREATE SEQUENCE card_number_seq START 1;
-- A member has at most one card that is not blocked (ordered, in production, delivered or issued).
CREATE UNIQUE INDEX "Card_one_valid_per_member" ON "Card" ("memberId") WHERE "status" <> 'BLOCKED';
ALTER TABLE "CardOrder" ADD CONSTRAINT "CardOrder_returned_comment_check" CHECK ("status" <> 'RETURNED' OR "comment" IS NOT NULL);
CREATE UNIQUE INDEX "Checkin_clientId_key" ON "Checkin" ("eventId", "clientId") WHERE "clientId" IS NOT NULL;
