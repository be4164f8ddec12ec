-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('QUEUED', 'SENDING', 'DONE');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED', 'SKIPPED');

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "channel" "OutboxChannel" NOT NULL,
    "category" "Category",
    "subject" TEXT,
    "text" TEXT NOT NULL,
    "status" "MessageStatus" NOT NULL DEFAULT 'QUEUED',
    "recipients" INTEGER NOT NULL,
    "skippedNoConsent" INTEGER NOT NULL,
    "skippedNoContact" INTEGER NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageDelivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "messageId" UUID NOT NULL,
    "personId" UUID NOT NULL,
    "channel" "OutboxChannel" NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "error" TEXT,

    CONSTRAINT "MessageDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PushSubscription" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PushSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Message_organisationId_createdAt_idx" ON "Message"("organisationId", "createdAt");

-- CreateIndex
CREATE INDEX "MessageDelivery_messageId_status_nextAttemptAt_idx" ON "MessageDelivery"("messageId", "status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "MessageDelivery_personId_idx" ON "MessageDelivery"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "MessageDelivery_messageId_personId_key" ON "MessageDelivery"("messageId", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "PushSubscription_endpoint_key" ON "PushSubscription"("endpoint");

-- CreateIndex
CREATE INDEX "PushSubscription_personId_idx" ON "PushSubscription"("personId");

-- AddForeignKey
ALTER TABLE "MessageDelivery" ADD CONSTRAINT "MessageDelivery_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: the counts are never negative; a delivery's attempts are counted from 0.
ALTER TABLE "Message" ADD CONSTRAINT "Message_counts" CHECK ("recipients" >= 0 AND "skippedNoConsent" >= 0 AND "skippedNoContact" >= 0);
ALTER TABLE "MessageDelivery" ADD CONSTRAINT "MessageDelivery_attempts" CHECK ("attempts" >= 0);
