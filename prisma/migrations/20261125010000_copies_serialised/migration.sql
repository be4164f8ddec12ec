-- Hand-written: the copies on Registration (card periods, the person's gender and birth date) stay right when two
-- transactions change the same member at once (a card issued while the member is being transferred, or a birth
-- date corrected meanwhile). Each writer of a member's copies first locks the member row (FOR NO KEY UPDATE: it
-- does not block foreign-key checks), then reads with a fresh snapshot, so the second writer waits for the first
-- to commit and sees what it did. A first registration (JOINED) of a member made in the same transaction needs no
-- lock: no other transaction can see that member yet (this keeps bulk imports free of row locks).

CREATE OR REPLACE FUNCTION refresh_card_spans(members uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "Member" WHERE id = ANY(members) ORDER BY id FOR NO KEY UPDATE;
  UPDATE "Registration" r SET "cardPlastic" = s.plastic, "cardVirtual" = s.virtual
  FROM (SELECT m, c.plastic, c.virtual FROM unnest(members) AS m CROSS JOIN LATERAL member_card_spans(m) c) s
  WHERE r."memberId" = s.m
    AND (r."cardPlastic" IS DISTINCT FROM s.plastic OR r."cardVirtual" IS DISTINCT FROM s.virtual);
END $$;

CREATE OR REPLACE FUNCTION registration_person_attrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."startKind" <> 'JOINED' THEN
    PERFORM 1 FROM "Member" WHERE id = NEW."memberId" FOR NO KEY UPDATE;
  END IF;
  SELECT p.gender, p."birthDate" INTO NEW.gender, NEW."birthDate"
  FROM "Member" m JOIN "Person" p ON p.id = m."personId" WHERE m.id = NEW."memberId";
  SELECT s.plastic, s.virtual INTO NEW."cardPlastic", NEW."cardVirtual" FROM member_card_spans(NEW."memberId") s;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION person_attrs_to_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "Member" WHERE "personId" = NEW.id ORDER BY id FOR NO KEY UPDATE;
  UPDATE "Registration" r SET gender = NEW.gender, "birthDate" = NEW."birthDate"
  FROM "Member" m WHERE m."personId" = NEW.id AND r."memberId" = m.id;
  UPDATE "Position" q SET gender = NEW.gender, "birthDate" = NEW."birthDate" WHERE q."personId" = NEW.id;
  RETURN NULL;
END $$;
