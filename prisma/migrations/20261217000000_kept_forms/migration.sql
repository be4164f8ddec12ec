-- CreateTable
CREATE TABLE "KeptForm" (
    "id" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "page" TEXT NOT NULL,
    "fields" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "KeptForm_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KeptForm_userId_idx" ON "KeptForm"("userId");

-- CreateIndex
CREATE INDEX "KeptForm_expiresAt_idx" ON "KeptForm"("expiresAt");

-- AddForeignKey
ALTER TABLE "KeptForm" ADD CONSTRAINT "KeptForm_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
