-- CreateEnum
CREATE TYPE "AudienceItem" AS ENUM ('ANNOUNCEMENT', 'DOCUMENT', 'SURVEY');

-- CreateEnum
CREATE TYPE "AnnouncementStatus" AS ENUM ('DRAFT', 'PUBLISHED', 'ARCHIVED');

-- CreateTable
CREATE TABLE "AudienceMember" (
    "itemType" "AudienceItem" NOT NULL,
    "itemId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "childId" UUID,
    "orgPath" TEXT NOT NULL,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "AudienceMember_pkey" PRIMARY KEY ("itemType","itemId","userId")
);

-- CreateTable
CREATE TABLE "Announcement" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "important" BOOLEAN NOT NULL DEFAULT false,
    "attachmentId" UUID,
    "status" "AnnouncementStatus" NOT NULL DEFAULT 'DRAFT',
    "publishOn" DATE NOT NULL DEFAULT CURRENT_DATE,
    "expiresOn" DATE,
    "publishedAt" TIMESTAMP(3),
    "archivedAt" TIMESTAMP(3),
    "audienceKinds" "OrgKind"[] NOT NULL,
    "audienceRoles" "Role"[] NOT NULL,
    "audienceOrgIds" UUID[] NOT NULL,
    "audienceMembers" BOOLEAN NOT NULL DEFAULT false,
    "addressed" INTEGER NOT NULL DEFAULT 0,
    "reminderOfId" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Announcement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnnouncementVersion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "announcementId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "important" BOOLEAN NOT NULL,
    "expiresOn" DATE,
    "editedById" UUID,
    "editedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnnouncementVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AnnouncementRead" (
    "announcementId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "readAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AnnouncementRead_pkey" PRIMARY KEY ("announcementId","userId")
);

-- CreateIndex
CREATE INDEX "AudienceMember_itemType_itemId_childId_idx" ON "AudienceMember"("itemType", "itemId", "childId");

-- CreateIndex
CREATE INDEX "Announcement_organisationId_status_idx" ON "Announcement"("organisationId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "AnnouncementVersion_announcementId_version_key" ON "AnnouncementVersion"("announcementId", "version");

-- CreateIndex
CREATE INDEX "AnnouncementRead_userId_idx" ON "AnnouncementRead"("userId");

-- AddForeignKey
ALTER TABLE "AnnouncementVersion" ADD CONSTRAINT "AnnouncementVersion_announcementId_fkey" FOREIGN KEY ("announcementId") REFERENCES "Announcement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AnnouncementRead" ADD CONSTRAINT "AnnouncementRead_announcementId_fkey" FOREIGN KEY ("announcementId") REFERENCES "Announcement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: the publisher exists; a reminder points at its announcement; sane texts and dates.
ALTER TABLE "Announcement" ADD CONSTRAINT "Announcement_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Announcement" ADD CONSTRAINT "Announcement_reminderOfId_fkey" FOREIGN KEY ("reminderOfId") REFERENCES "Announcement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Announcement" ADD CONSTRAINT "Announcement_texts_check" CHECK (length("title") BETWEEN 1 AND 300 AND length("body") <= 20000);
ALTER TABLE "Announcement" ADD CONSTRAINT "Announcement_dates_check" CHECK ("expiresOn" IS NULL OR "expiresOn" >= "publishOn");
ALTER TABLE "Announcement" ADD CONSTRAINT "Announcement_published_check" CHECK ("status" = 'DRAFT' OR "publishedAt" IS NOT NULL);
-- The snapshot's user: a frozen audience never outlives its user row.
ALTER TABLE "AudienceMember" ADD CONSTRAINT "AudienceMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- The start page: published announcements by publisher, newest first.
CREATE INDEX "Announcement_published_idx" ON "Announcement"("organisationId", "publishedAt" DESC) WHERE "status" = 'PUBLISHED';
-- The not-yet-done list of one child of one item.
CREATE INDEX "AudienceMember_notdone_idx" ON "AudienceMember"("itemType", "itemId", "childId", "orgPath") WHERE "doneAt" IS NULL;
