-- CreateEnum
CREATE TYPE "DocumentKind" AS ENUM ('NORMATIVE', 'METHODICAL', 'REFERENCE', 'TEMPLATE', 'OTHER');

-- CreateTable
CREATE TABLE "LibrarySection" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "parentId" UUID,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LibrarySection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Document" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organisationId" UUID NOT NULL,
    "sectionId" UUID,
    "title" TEXT NOT NULL,
    "kind" "DocumentKind" NOT NULL,
    "number" TEXT,
    "numberKey" TEXT,
    "docDate" DATE,
    "description" TEXT,
    "audience" JSONB NOT NULL,
    "addressed" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 1,
    "supersededById" UUID,
    "bodyText" TEXT NOT NULL DEFAULT '',
    "search" tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('russian'::regconfig, translate(coalesce("title", '') || ' ' || coalesce("number", ''), 'Ёё', 'Ее')), 'A') ||
      setweight(to_tsvector('russian'::regconfig, translate(coalesce("description", ''), 'Ёё', 'Ее')), 'B') ||
      setweight(to_tsvector('russian'::regconfig, translate("bodyText", 'Ёё', 'Ее')), 'C')
    ) STORED,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DocumentVersion" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "documentId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "fileName" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "note" TEXT,
    "uploadedById" UUID,
    "uploadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DocumentVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DocumentFile" (
    "versionId" UUID NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "DocumentFile_pkey" PRIMARY KEY ("versionId")
);

-- CreateTable
CREATE TABLE "DocumentDownload" (
    "id" BIGSERIAL NOT NULL,
    "documentId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "userId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DocumentDownload_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LibrarySection_organisationId_idx" ON "LibrarySection"("organisationId");

-- CreateIndex
CREATE INDEX "LibrarySection_parentId_idx" ON "LibrarySection"("parentId");

-- CreateIndex
CREATE INDEX "Document_organisationId_idx" ON "Document"("organisationId");

-- CreateIndex
CREATE INDEX "Document_sectionId_idx" ON "Document"("sectionId");

-- CreateIndex
CREATE INDEX "Document_kind_idx" ON "Document"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "DocumentVersion_documentId_version_key" ON "DocumentVersion"("documentId", "version");

-- CreateIndex
CREATE INDEX "DocumentDownload_documentId_userId_version_idx" ON "DocumentDownload"("documentId", "userId", "version");

-- CreateIndex
CREATE INDEX "DocumentDownload_userId_idx" ON "DocumentDownload"("userId");

-- AddForeignKey
ALTER TABLE "LibrarySection" ADD CONSTRAINT "LibrarySection_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LibrarySection" ADD CONSTRAINT "LibrarySection_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "LibrarySection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "LibrarySection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Document" ADD CONSTRAINT "Document_supersededById_fkey" FOREIGN KEY ("supersededById") REFERENCES "Document"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocumentVersion" ADD CONSTRAINT "DocumentVersion_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocumentFile" ADD CONSTRAINT "DocumentFile_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "DocumentVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DocumentDownload" ADD CONSTRAINT "DocumentDownload_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written: full-text search (GIN over the generated tsvector), number prefix search, checks.
CREATE INDEX "Document_search_idx" ON "Document" USING GIN ("search");
CREATE INDEX "Document_numberKey_idx" ON "Document" ("numberKey" text_pattern_ops);
CREATE INDEX "Document_docDate_idx" ON "Document" ("docDate");
ALTER TABLE "Document" ADD CONSTRAINT "Document_version_check" CHECK ("version" >= 1);
ALTER TABLE "Document" ADD CONSTRAINT "Document_not_self_superseded" CHECK ("supersededById" IS DISTINCT FROM "id");
-- to_tsvector refuses more than 1 MB: the extracted text is capped by the application well below.
ALTER TABLE "Document" ADD CONSTRAINT "Document_bodyText_size" CHECK (length("bodyText") <= 400000);
ALTER TABLE "DocumentVersion" ADD CONSTRAINT "DocumentVersion_size_check" CHECK ("size" > 0 AND "size" <= 20971520);
