-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "OrgKind" AS ENUM ('CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY', 'PROFBURO', 'PROFGROUP');

-- CreateEnum
CREATE TYPE "OrgStatus" AS ENUM ('ACTIVE', 'EXCLUDED');

-- CreateEnum
CREATE TYPE "InstitutionType" AS ENUM ('DOO', 'OO', 'UDO', 'POO', 'OOVO', 'SCIENCE', 'AUTHORITY', 'OTHER');

-- CreateEnum
CREATE TYPE "Category" AS ENUM ('WORKING', 'STUDENT', 'PENSIONER');

-- CreateEnum
CREATE TYPE "Gender" AS ENUM ('MALE', 'FEMALE');

-- CreateEnum
CREATE TYPE "MemberStatus" AS ENUM ('ACTIVE', 'EXITED');

-- CreateEnum
CREATE TYPE "MovementKind" AS ENUM ('JOINED', 'TRANSFER_IN', 'TRANSFER_OUT', 'CATEGORY_CHANGE', 'EXIT_VOLUNTARY', 'EXIT_EXCLUDED', 'EXIT_DISMISSED', 'EXIT_GRADUATED', 'EXIT_DIED');

-- CreateEnum
CREATE TYPE "ConsentKind" AS ENUM ('PROCESSING', 'BONUS_PROGRAMME', 'MESSAGING');

-- CreateEnum
CREATE TYPE "PositionKind" AS ENUM ('CHAIR', 'DEPUTY_CHAIR', 'TREASURER', 'COMMITTEE_MEMBER', 'AUDIT_COMMISSION_MEMBER', 'PROFBURO_CHAIR', 'PROFGROUP_ORGANISER', 'SAFETY_REPRESENTATIVE', 'REGISTRY_OFFICER', 'STAFF');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'CHAIR', 'REGISTRAR', 'SUBUNIT_CHAIR', 'VIEWER');

-- CreateEnum
CREATE TYPE "CardForm" AS ENUM ('PLASTIC', 'VIRTUAL');

-- CreateEnum
CREATE TYPE "CardStatus" AS ENUM ('ORDERED', 'IN_PRODUCTION', 'DELIVERED_REGION', 'DELIVERED_PRIMARY', 'ISSUED', 'BLOCKED');

-- CreateTable
CREATE TABLE "Organisation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "OrgKind" NOT NULL,
    "parentId" UUID,
    "path" TEXT NOT NULL,
    "depth" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT,
    "nameKey" TEXT NOT NULL,
    "hasTerritorialRights" BOOLEAN NOT NULL DEFAULT false,
    "institutionName" TEXT,
    "institutionInn" TEXT,
    "institutionType" "InstitutionType",
    "address" TEXT,
    "phone" TEXT,
    "email" TEXT,
    "employeesCount" INTEGER,
    "studentsCount" INTEGER,
    "foundedAt" DATE,
    "status" "OrgStatus" NOT NULL DEFAULT 'ACTIVE',
    "excludedAt" DATE,
    "excludedReason" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "lastName" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "middleName" TEXT,
    "birthDate" DATE NOT NULL,
    "gender" "Gender",
    "phone" TEXT,
    "email" TEXT,
    "snils" TEXT,
    "lastNameKey" TEXT NOT NULL,
    "identityKey" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Member" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "category" "Category" NOT NULL,
    "joinedAt" DATE NOT NULL,
    "status" "MemberStatus" NOT NULL DEFAULT 'ACTIVE',
    "exitedAt" DATE,
    "exitKind" "MovementKind",
    "exitNote" TEXT,
    "externalId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Member_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Registration" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "memberId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "category" "Category" NOT NULL,
    "validFrom" DATE NOT NULL,
    "validTo" DATE,
    "startKind" "MovementKind" NOT NULL,
    "endKind" "MovementKind",

    CONSTRAINT "Registration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Movement" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "memberId" UUID NOT NULL,
    "kind" "MovementKind" NOT NULL,
    "date" DATE NOT NULL,
    "organisationId" UUID NOT NULL,
    "otherOrganisationId" UUID,
    "note" TEXT,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Movement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Consent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "kind" "ConsentKind" NOT NULL,
    "givenAt" DATE NOT NULL,
    "withdrawnAt" DATE,
    "textVersion" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Position" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "kind" "PositionKind" NOT NULL,
    "title" TEXT,
    "startDate" DATE NOT NULL,
    "endDate" DATE,
    "isPaid" BOOLEAN NOT NULL DEFAULT false,
    "isElected" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Position_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Card" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "number" TEXT NOT NULL,
    "memberId" UUID NOT NULL,
    "form" "CardForm" NOT NULL,
    "status" "CardStatus" NOT NULL,
    "issuedAt" DATE,
    "blockedAt" DATE,
    "blockReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Card_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "login" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "fullName" TEXT NOT NULL,
    "email" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "ndaAcceptedAt" TIMESTAMP(3),
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleAssignment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "organisationId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "startsOn" DATE NOT NULL,
    "endsOn" DATE,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleAssignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" UUID,
    "action" TEXT NOT NULL,
    "entity" TEXT,
    "entityId" TEXT,
    "organisationId" UUID,
    "rowCount" INTEGER,
    "outcome" TEXT NOT NULL DEFAULT 'OK',
    "details" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "sid" VARCHAR NOT NULL,
    "sess" JSONB NOT NULL,
    "expire" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "session_pkey" PRIMARY KEY ("sid")
);

-- CreateIndex
CREATE INDEX "Organisation_parentId_idx" ON "Organisation"("parentId");

-- CreateIndex
CREATE INDEX "Organisation_kind_idx" ON "Organisation"("kind");

-- CreateIndex
CREATE UNIQUE INDEX "Person_identityKey_key" ON "Person"("identityKey");

-- CreateIndex
CREATE INDEX "Person_lastNameKey_idx" ON "Person"("lastNameKey");

-- CreateIndex
CREATE INDEX "Member_personId_idx" ON "Member"("personId");

-- CreateIndex
CREATE INDEX "Member_organisationId_status_idx" ON "Member"("organisationId", "status");

-- CreateIndex
CREATE INDEX "Registration_memberId_idx" ON "Registration"("memberId");

-- CreateIndex
CREATE INDEX "Registration_organisationId_validFrom_idx" ON "Registration"("organisationId", "validFrom");

-- CreateIndex
CREATE INDEX "Movement_memberId_idx" ON "Movement"("memberId");

-- CreateIndex
CREATE INDEX "Movement_organisationId_date_idx" ON "Movement"("organisationId", "date");

-- CreateIndex
CREATE INDEX "Consent_personId_kind_idx" ON "Consent"("personId", "kind");

-- CreateIndex
CREATE INDEX "Position_personId_idx" ON "Position"("personId");

-- CreateIndex
CREATE INDEX "Position_organisationId_kind_idx" ON "Position"("organisationId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Card_number_key" ON "Card"("number");

-- CreateIndex
CREATE INDEX "Card_memberId_idx" ON "Card"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "User_login_key" ON "User"("login");

-- CreateIndex
CREATE INDEX "RoleAssignment_userId_idx" ON "RoleAssignment"("userId");

-- CreateIndex
CREATE INDEX "RoleAssignment_organisationId_idx" ON "RoleAssignment"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "AuditLog_userId_at_idx" ON "AuditLog"("userId", "at");

-- CreateIndex
CREATE INDEX "AuditLog_entity_entityId_idx" ON "AuditLog"("entity", "entityId");

-- CreateIndex
CREATE INDEX "session_expire_idx" ON "session"("expire");

-- AddForeignKey
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Organisation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Member" ADD CONSTRAINT "Member_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Movement" ADD CONSTRAINT "Movement_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Consent" ADD CONSTRAINT "Consent_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Position" ADD CONSTRAINT "Position_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Position" ADD CONSTRAINT "Position_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Card" ADD CONSTRAINT "Card_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------------
-- Hand-written: what the Prisma schema language cannot say.
-- ---------------------------------------------------------------------------------------------

-- Subtree queries: path LIKE '/root/.../id/%' must use an index whatever the database collation.
CREATE INDEX "Organisation_path_prefix_idx" ON "Organisation" ("path" text_pattern_ops);
CREATE UNIQUE INDEX "Organisation_path_key" ON "Organisation" ("path");
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_root_check" CHECK (("kind" = 'CENTRAL') = ("parentId" IS NULL));
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_counts_check" CHECK (("employeesCount" IS NULL OR "employeesCount" >= 0) AND ("studentsCount" IS NULL OR "studentsCount" >= 0));
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_excluded_check" CHECK (("status" = 'EXCLUDED') = ("excludedAt" IS NOT NULL));

-- Surname prefix search (upper-case, Ё→Е key) independent of the database collation.
CREATE INDEX "Person_lastNameKey_prefix_idx" ON "Person" ("lastNameKey" text_pattern_ops);
-- One person, one row: СНИЛС when given is unique too.
CREATE UNIQUE INDEX "Person_snils_key" ON "Person" ("snils") WHERE "snils" IS NOT NULL;

-- A person is a member of the union at most once at a time (part-time workers counted once).
CREATE UNIQUE INDEX "Member_one_active_per_person" ON "Member" ("personId") WHERE "status" = 'ACTIVE';
ALTER TABLE "Member" ADD CONSTRAINT "Member_exit_check" CHECK (("status" = 'EXITED') = ("exitedAt" IS NOT NULL));
CREATE INDEX "Member_externalId_idx" ON "Member" ("organisationId", "externalId") WHERE "externalId" IS NOT NULL;

-- A member has one open registration; periods are well-formed.
CREATE UNIQUE INDEX "Registration_one_open_per_member" ON "Registration" ("memberId") WHERE "validTo" IS NULL;
ALTER TABLE "Registration" ADD CONSTRAINT "Registration_period_check" CHECK ("validTo" IS NULL OR "validTo" >= "validFrom");
CREATE INDEX "Registration_asof_idx" ON "Registration" ("organisationId", "validFrom", "validTo");

ALTER TABLE "Consent" ADD CONSTRAINT "Consent_period_check" CHECK ("withdrawnAt" IS NULL OR "withdrawnAt" >= "givenAt");
ALTER TABLE "Position" ADD CONSTRAINT "Position_period_check" CHECK ("endDate" IS NULL OR "endDate" >= "startDate");
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_term_check" CHECK ("endsOn" IS NULL OR "endsOn" >= "startsOn");
ALTER TABLE "Card" ADD CONSTRAINT "Card_number_check" CHECK ("number" ~ '^[0-9]{8,19}$');
CREATE INDEX "Card_number_prefix_idx" ON "Card" ("number" text_pattern_ops);

-- The audit log is append-only (152-ФЗ): nobody, not even the application, rewrites history.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditLog is append-only';
END $$;
CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
