-- A bulk insert of new members' registrations (an import: 5,000 rows per statement) may bring the copies itself,
-- read in the same statement by a join to the people it has just written: the row trigger then keeps out (it
-- looked each person and each member's cards up row by row: ~10 s of a 100,000-row import). The switch is a
-- transaction-local setting the import turns on around that one statement only; every other insert or change of
-- a registration is copied by the trigger as before.
CREATE OR REPLACE FUNCTION registration_person_attrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' AND NEW."startKind" = 'JOINED' AND current_setting('reestr.copies_given', true) = 'on' THEN
    RETURN NEW;
  END IF;
  IF NEW."startKind" <> 'JOINED' THEN
    PERFORM 1 FROM "Member" WHERE id = NEW."memberId" FOR NO KEY UPDATE;
  END IF;
  SELECT p.gender, p."birthDate", p."lastNameKey", p."firstName", p."middleName"
  INTO NEW.gender, NEW."birthDate", NEW."lastNameKey", NEW."firstName", NEW."middleName"
  FROM "Member" m JOIN "Person" p ON p.id = m."personId" WHERE m.id = NEW."memberId";
  SELECT s.plastic, s.virtual INTO NEW."cardPlastic", NEW."cardVirtual" FROM member_card_spans(NEW."memberId") s;
  RETURN NEW;
END $$;
