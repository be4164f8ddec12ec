-- CreateTable
CREATE TABLE "MemberCode" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "contactKey" TEXT NOT NULL,
    "personId" UUID,
    "channel" "OutboxChannel" NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberToken" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "personId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberToken_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MemberCode_contactKey_createdAt_idx" ON "MemberCode"("contactKey", "createdAt");

-- CreateIndex
CREATE INDEX "MemberCode_personId_idx" ON "MemberCode"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "MemberToken_tokenHash_key" ON "MemberToken"("tokenHash");

-- CreateIndex
CREATE INDEX "MemberToken_personId_idx" ON "MemberToken"("personId");


-- A member signs in with the e-mail or phone their chair recorded, typed in any format: the lookup compares the
-- lower-case e-mail and the phone reduced to +7XXXXXXXXXX, through these expression indexes (4 million persons).
CREATE OR REPLACE FUNCTION member_phone_key(phone text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN d ~ '^[78][0-9]{10}$' THEN '+7' || substr(d, 2)
    WHEN d ~ '^9[0-9]{9}$' THEN '+7' || d
    ELSE NULL
  END
  FROM (SELECT regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') AS d) x
$$;

CREATE INDEX "Person_email_lower_idx" ON "Person" (lower("email")) WHERE "email" IS NOT NULL;
CREATE INDEX "Person_phone_key_idx" ON "Person" (member_phone_key("phone")) WHERE "phone" IS NOT NULL;
