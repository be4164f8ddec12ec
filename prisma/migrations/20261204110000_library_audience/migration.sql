-- The library's documents take the shared audience columns (modules/audience) instead of a JSON value.
-- AlterTable
ALTER TABLE "Document" DROP COLUMN "audience",
ADD COLUMN     "audienceKinds" "OrgKind"[] NOT NULL DEFAULT ARRAY[]::"OrgKind"[],
ADD COLUMN     "audienceMembers" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "audienceOrgIds" UUID[] NOT NULL DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "audienceRoles" "Role"[] NOT NULL DEFAULT ARRAY[]::"Role"[];
