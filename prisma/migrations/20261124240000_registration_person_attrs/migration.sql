-- AlterTable
ALTER TABLE "Registration" ADD COLUMN     "birthDate" DATE,
ADD COLUMN     "gender" "Gender";


-- Hand-written: the copies are filled from the person on insert and follow every change of the person.
UPDATE "Registration" r SET gender = p.gender, "birthDate" = p."birthDate"
FROM "Member" m JOIN "Person" p ON p.id = m."personId" WHERE m.id = r."memberId";

CREATE FUNCTION registration_person_attrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.gender, p."birthDate" INTO NEW.gender, NEW."birthDate"
  FROM "Member" m JOIN "Person" p ON p.id = m."personId" WHERE m.id = NEW."memberId";
  RETURN NEW;
END $$;
CREATE TRIGGER "Registration_person_attrs" BEFORE INSERT OR UPDATE OF "memberId" ON "Registration"
  FOR EACH ROW EXECUTE FUNCTION registration_person_attrs();

CREATE FUNCTION person_attrs_to_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Registration" r SET gender = NEW.gender, "birthDate" = NEW."birthDate"
  FROM "Member" m WHERE m."personId" = NEW.id AND r."memberId" = m.id;
  RETURN NULL;
END $$;
CREATE TRIGGER "Person_attrs_to_registrations" AFTER UPDATE OF gender, "birthDate" ON "Person"
  FOR EACH ROW WHEN (OLD.gender IS DISTINCT FROM NEW.gender OR OLD."birthDate" IS DISTINCT FROM NEW."birthDate")
  EXECUTE FUNCTION person_attrs_to_registrations();
