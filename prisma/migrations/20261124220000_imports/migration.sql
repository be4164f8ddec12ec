-- CreateEnum
CREATE TYPE "ImportMode" AS ENUM ('ADD', 'SYNC');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('PREVIEW', 'QUEUED', 'RUNNING', 'DONE', 'FAILED', 'UNDONE');

-- CreateEnum
CREATE TYPE "ImportChangeKind" AS ENUM ('CREATED', 'UPDATED', 'EXITED');

-- CreateTable
CREATE TABLE "ImportJob" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "userId" UUID,
    "mode" "ImportMode" NOT NULL,
    "status" "ImportStatus" NOT NULL DEFAULT 'PREVIEW',
    "fileName" TEXT NOT NULL,
    "fileHash" TEXT NOT NULL,
    "file" BYTEA,
    "mapping" JSONB NOT NULL,
    "exitReason" "MovementKind",
    "exitDate" DATE,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ImportJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportChange" (
    "id" BIGSERIAL NOT NULL,
    "importId" UUID NOT NULL,
    "memberId" UUID NOT NULL,
    "kind" "ImportChangeKind" NOT NULL,
    "before" JSONB,
    "versionAfter" INTEGER NOT NULL,

    CONSTRAINT "ImportChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportMapping" (
    "organisationId" UUID NOT NULL,
    "mapping" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImportMapping_pkey" PRIMARY KEY ("organisationId")
);

-- CreateIndex
CREATE INDEX "ImportJob_organisationId_createdAt_idx" ON "ImportJob"("organisationId", "createdAt");

-- CreateIndex
CREATE INDEX "ImportChange_importId_idx" ON "ImportChange"("importId");

-- AddForeignKey
ALTER TABLE "ImportChange" ADD CONSTRAINT "ImportChange_importId_fkey" FOREIGN KEY ("importId") REFERENCES "ImportJob"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

