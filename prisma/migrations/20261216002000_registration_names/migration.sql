-- AlterTable
ALTER TABLE "Registration" ADD COLUMN     "firstName" TEXT,
ADD COLUMN     "lastNameKey" TEXT,
ADD COLUMN     "middleName" TEXT;

-- Hand-written (issue 12): a surname search in a region or the whole union reads one index. The person's name key
-- and names are copied onto each registration (as gender and birth date are), kept by the same triggers, so the
-- search is one range of ("lastNameKey", "firstName", "middleName") in name order, with the organisation and the
-- period in the index: the scope and the date are checked without visiting Person, Member or the table, and the
-- first page stops after its rows. A person made anonymous (retention) loses the copies with the original.

CREATE OR REPLACE FUNCTION registration_person_attrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."startKind" <> 'JOINED' THEN
    PERFORM 1 FROM "Member" WHERE id = NEW."memberId" FOR NO KEY UPDATE;
  END IF;
  SELECT p.gender, p."birthDate", p."lastNameKey", p."firstName", p."middleName"
  INTO NEW.gender, NEW."birthDate", NEW."lastNameKey", NEW."firstName", NEW."middleName"
  FROM "Member" m JOIN "Person" p ON p.id = m."personId" WHERE m.id = NEW."memberId";
  SELECT s.plastic, s.virtual INTO NEW."cardPlastic", NEW."cardVirtual" FROM member_card_spans(NEW."memberId") s;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION person_attrs_to_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "Member" WHERE "personId" = NEW.id ORDER BY id FOR NO KEY UPDATE;
  UPDATE "Registration" r SET gender = NEW.gender, "birthDate" = NEW."birthDate", "lastNameKey" = NEW."lastNameKey",
    "firstName" = NEW."firstName", "middleName" = NEW."middleName"
  FROM "Member" m WHERE m."personId" = NEW.id AND r."memberId" = m.id;
  UPDATE "Position" q SET gender = NEW.gender, "birthDate" = NEW."birthDate" WHERE q."personId" = NEW.id;
  RETURN NULL;
END $$;
DROP TRIGGER "Person_attrs_to_registrations" ON "Person";
CREATE TRIGGER "Person_attrs_to_registrations" AFTER UPDATE OF gender, "birthDate", "lastNameKey", "firstName", "middleName" ON "Person"
  FOR EACH ROW WHEN ((OLD.gender, OLD."birthDate", OLD."lastNameKey", OLD."firstName", OLD."middleName")
    IS DISTINCT FROM (NEW.gender, NEW."birthDate", NEW."lastNameKey", NEW."firstName", NEW."middleName"))
  EXECUTE FUNCTION person_attrs_to_registrations();

-- The copies of the registrations kept so far (the counters do not depend on names: their trigger sits this out).
ALTER TABLE "Registration" DISABLE TRIGGER "Registration_counts_update";
UPDATE "Registration" r SET "lastNameKey" = p."lastNameKey", "firstName" = p."firstName", "middleName" = p."middleName"
FROM "Member" m JOIN "Person" p ON p.id = m."personId" WHERE m.id = r."memberId";
ALTER TABLE "Registration" ENABLE TRIGGER "Registration_counts_update";

-- Name order in the C collation (code points, as the prefix range ~>=~ compares), whatever the database's locale.
CREATE INDEX "Registration_name_idx" ON "Registration"
  ("lastNameKey" COLLATE "C", "firstName" COLLATE "C", "middleName" COLLATE "C", "memberId")
  INCLUDE ("organisationId", "validFrom", "validTo", category);
