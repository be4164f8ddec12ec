-- Hand-written: the copies on Registration (card periods, the person's gender and birth date) stay right when two
-- transactions change the same member at once (a card issued while the member is being transferred, or a birth
-- date corrected meanwhile). Each writer of a member's copies first locks the member row (FOR NO KEY UPDATE: it
-- does not block foreign-key checks), then reads with a fresh snapshot, so the second writer waits for the first
-- to commit and sees what it did. A first registration (JOINED) of a member made in the same transaction needs no
-- lock: no other transaction can see that member yet (this keeps bulk imports free of row locks).

CREATE OR REPLACE FUNCTION refresh_card_spans(members uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(members) = 0 THEN RETURN; END IF;
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

-- A card update recomputes only the members whose card periods can have changed (member, form, issue or block
-- date): status changes of whole batches (production, delivery) no longer lock and recompute thousands of members.
CREATE OR REPLACE FUNCTION card_spans_to_registrations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM refresh_card_spans(ARRAY(SELECT DISTINCT "memberId" FROM new_cards));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM refresh_card_spans(ARRAY(
      SELECT m FROM new_cards n JOIN old_cards o ON o.id = n.id
        CROSS JOIN LATERAL (VALUES (n."memberId"), (o."memberId")) AS v(m)
      WHERE (n."memberId", n.form, n."issuedAt", n."blockedAt") IS DISTINCT FROM (o."memberId", o.form, o."issuedAt", o."blockedAt")
      GROUP BY m));
  ELSE
    PERFORM refresh_card_spans(ARRAY(SELECT DISTINCT "memberId" FROM old_cards));
  END IF;
  RETURN NULL;
END $$;



-- Emptying the card table empties the copies.
CREATE FUNCTION card_spans_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Registration" SET "cardPlastic" = NULL, "cardVirtual" = NULL WHERE "cardPlastic" IS NOT NULL OR "cardVirtual" IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER "Card_spans_truncate" AFTER TRUNCATE ON "Card" FOR EACH STATEMENT EXECUTE FUNCTION card_spans_truncated();

-- A position holder's data is read under a share lock: a correction of the person being committed meanwhile is
-- waited for and then seen (a chair need not be a member, so the member lock does not cover it).
CREATE OR REPLACE FUNCTION position_person_attrs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.gender, p."birthDate" INTO NEW.gender, NEW."birthDate" FROM "Person" p WHERE p.id = NEW."personId" FOR SHARE;
  RETURN NEW;
END $$;
