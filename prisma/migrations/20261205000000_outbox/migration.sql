-- CreateEnum
CREATE TYPE "OutboxChannel" AS ENUM ('EMAIL', 'SMS', 'PUSH');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'STORED', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "Outbox" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "channel" "OutboxChannel" NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT,
    "text" TEXT NOT NULL,
    "headers" JSONB,
    "status" "OutboxStatus" NOT NULL,
    "error" TEXT,
    "messageId" UUID,
    "recipientId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Outbox_createdAt_idx" ON "Outbox"("createdAt");

-- CreateIndex
CREATE INDEX "Outbox_messageId_idx" ON "Outbox"("messageId");

-- CreateIndex
CREATE INDEX "Outbox_recipientId_idx" ON "Outbox"("recipientId");

