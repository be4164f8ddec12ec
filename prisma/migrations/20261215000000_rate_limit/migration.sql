-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL,
    "hits" INTEGER NOT NULL,
    "resetAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "RateLimit_resetAt_idx" ON "RateLimit"("resetAt");


-- Counters are short-lived and rebuilt by the next requests: not worth the WAL (nor a place on the replicas).
-- After a crash PostgreSQL empties an unlogged table, which only forgives the counts of the current window.
ALTER TABLE "RateLimit" SET UNLOGGED;
