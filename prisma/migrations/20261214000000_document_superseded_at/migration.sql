-- A document can be marked superseded with or without a named replacement (supersededById cannot point at the
-- document itself: Document_not_self_superseded). Existing marks keep their replacement.
ALTER TABLE "Document" ADD COLUMN     "supersededAt" TIMESTAMP(3);

UPDATE "Document" SET "supersededAt" = "updatedAt" WHERE "supersededById" IS NOT NULL;

-- A named replacement implies the mark.
ALTER TABLE "Document" ADD CONSTRAINT "Document_replacement_marked"
    CHECK ("supersededById" IS NULL OR "supersededAt" IS NOT NULL);
