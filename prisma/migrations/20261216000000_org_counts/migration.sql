-- CreateTable
CREATE TABLE "OrgCount" (
    "organisationId" UUID NOT NULL,
    "working" INTEGER NOT NULL DEFAULT 0,
    "student" INTEGER NOT NULL DEFAULT 0,
    "pensioner" INTEGER NOT NULL DEFAULT 0,
    "members" INTEGER NOT NULL DEFAULT 0,
    "plastic" INTEGER NOT NULL DEFAULT 0,
    "virtual" INTEGER NOT NULL DEFAULT 0,
    "cardsOrdered" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "OrgCount_pkey" PRIMARY KEY ("organisationId")
);

-- Hand-written (issue 12): the daily pages (dashboards, card progress, "not started") read per-organisation
-- counters instead of counting millions of registrations.
--
-- "OrgCount" holds, per organisation, the registrations counted in their FINAL state: as they will stand on a
-- date after every recorded date ('9999-12-31': open registrations, open card periods), and the cards ordered
-- for the organisation's current members. Being independent of today's date, the counters never go stale at
-- midnight. The figures as of a date D are the counters plus an exact correction over the few registrations
-- whose state on D differs from the final one: those with some recorded date after D (a registration that
-- starts or ends after D, a card issued or blocked after D), found through the index on that latest date. For
-- today this is a handful of rows; for a date in the past it is the changes since then.

-- The latest finite date recorded on a registration: its start and end, and every bound of its card periods.
-- Every registration with reg_last_change <= D is in the same state on D as in the final state.
CREATE FUNCTION reg_last_change(vf date, vt date, cp datemultirange, cv datemultirange) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest(vf, vt,
    (SELECT max(greatest(lower(x), upper(x))) FROM unnest(cp) x),
    (SELECT max(greatest(lower(x), upper(x))) FROM unnest(cv) x))
$$;
CREATE INDEX "Registration_last_change_idx" ON "Registration"
  (reg_last_change("validFrom", "validTo", "cardPlastic", "cardVirtual"));

-- A registration's figures on a date (0 or 1 each): member by category, card holder by form (a virtual card wins
-- a tie, as in the card progress report).
CREATE FUNCTION reg_tally(vf date, vt date, cat "Category", cp datemultirange, cv datemultirange, d date,
  OUT working int, OUT student int, OUT pensioner int, OUT members int, OUT plastic int, OUT virtual int)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (v AND cat = 'WORKING')::int, (v AND cat = 'STUDENT')::int, (v AND cat = 'PENSIONER')::int, v::int,
    (v AND coalesce(cp @> d, false) AND NOT coalesce(cv @> d, false))::int, (v AND coalesce(cv @> d, false))::int
  FROM (SELECT vf <= d AND (vt IS NULL OR vt > d) AS v) x
$$;

-- Adds signed figures per organisation (in organisation order, so that concurrent writers lock counters in one
-- order); organisations whose figures do not change are not touched.
CREATE FUNCTION org_count_add(deltas jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "OrgCount" AS c ("organisationId", working, student, pensioner, members, plastic, virtual, "cardsOrdered")
  SELECT d.org, d.working, d.student, d.pensioner, d.members, d.plastic, d.virtual, d.cards
  FROM jsonb_to_recordset(deltas) AS d(org uuid, working int, student int, pensioner int, members int, plastic int,
    virtual int, cards int)
  WHERE (d.working, d.student, d.pensioner, d.members, d.plastic, d.virtual, d.cards) <> (0, 0, 0, 0, 0, 0, 0)
  ORDER BY d.org
  ON CONFLICT ("organisationId") DO UPDATE SET working = c.working + excluded.working,
    student = c.student + excluded.student, pensioner = c.pensioner + excluded.pensioner,
    members = c.members + excluded.members, plastic = c.plastic + excluded.plastic,
    virtual = c.virtual + excluded.virtual, "cardsOrdered" = c."cardsOrdered" + excluded."cardsOrdered"
$$;

-- Registrations: once per statement (a 100,000-row import updates each organisation's counters once).
-- Transition tables need one trigger per event; the function reads only the tables its event has.
CREATE FUNCTION org_count_registrations_ins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE deltas jsonb;
BEGIN
  SELECT jsonb_agg(x) INTO deltas FROM (
    SELECT n."organisationId" AS org, sum(t.working) AS working, sum(t.student) AS student, sum(t.pensioner) AS pensioner,
      sum(t.members) AS members, sum(t.plastic) AS plastic, sum(t.virtual) AS virtual, 0 AS cards
    FROM new_regs n, LATERAL reg_tally(n."validFrom", n."validTo", n.category, n."cardPlastic", n."cardVirtual", '9999-12-31') t
    GROUP BY 1) x;
  IF deltas IS NOT NULL THEN PERFORM org_count_add(deltas); END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION org_count_registrations_del() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE deltas jsonb;
BEGIN
  SELECT jsonb_agg(x) INTO deltas FROM (
    SELECT o."organisationId" AS org, -sum(t.working) AS working, -sum(t.student) AS student, -sum(t.pensioner) AS pensioner,
      -sum(t.members) AS members, -sum(t.plastic) AS plastic, -sum(t.virtual) AS virtual, 0 AS cards
    FROM old_regs o, LATERAL reg_tally(o."validFrom", o."validTo", o.category, o."cardPlastic", o."cardVirtual", '9999-12-31') t
    GROUP BY 1) x;
  IF deltas IS NOT NULL THEN PERFORM org_count_add(deltas); END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION org_count_registrations_upd() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE deltas jsonb;
BEGIN
  WITH rows AS (
    SELECT n."organisationId" AS org, 1 AS s, n."validFrom", n."validTo", n.category, n."cardPlastic", n."cardVirtual" FROM new_regs n
    UNION ALL
    SELECT o."organisationId", -1, o."validFrom", o."validTo", o.category, o."cardPlastic", o."cardVirtual" FROM old_regs o
  )
  SELECT jsonb_agg(x) INTO deltas FROM (
    SELECT org, sum(s * t.working) AS working, sum(s * t.student) AS student, sum(s * t.pensioner) AS pensioner,
      sum(s * t.members) AS members, sum(s * t.plastic) AS plastic, sum(s * t.virtual) AS virtual, 0 AS cards
    FROM rows, LATERAL reg_tally(rows."validFrom", rows."validTo", rows.category, rows."cardPlastic", rows."cardVirtual",
      '9999-12-31') t
    GROUP BY org) x;
  IF deltas IS NOT NULL THEN PERFORM org_count_add(deltas); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "Registration_counts_insert" AFTER INSERT ON "Registration" REFERENCING NEW TABLE AS new_regs
  FOR EACH STATEMENT EXECUTE FUNCTION org_count_registrations_ins();
CREATE TRIGGER "Registration_counts_update" AFTER UPDATE ON "Registration" REFERENCING OLD TABLE AS old_regs NEW TABLE AS new_regs
  FOR EACH STATEMENT EXECUTE FUNCTION org_count_registrations_upd();
CREATE TRIGGER "Registration_counts_delete" AFTER DELETE ON "Registration" REFERENCING OLD TABLE AS old_regs
  FOR EACH STATEMENT EXECUTE FUNCTION org_count_registrations_del();

-- Cards ordered, counted for the organisation of the card's member.
CREATE FUNCTION org_count_cards_ins() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE deltas jsonb;
BEGIN
  SELECT jsonb_agg(x) INTO deltas FROM (
    SELECT m."organisationId" AS org, 0 AS working, 0 AS student, 0 AS pensioner, 0 AS members, 0 AS plastic, 0 AS virtual,
      count(*) AS cards
    FROM new_cards n JOIN "Member" m ON m.id = n."memberId" GROUP BY 1) x;
  IF deltas IS NOT NULL THEN PERFORM org_count_add(deltas); END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION org_count_cards_del() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE deltas jsonb;
BEGIN
  SELECT jsonb_agg(x) INTO deltas FROM (
    SELECT m."organisationId" AS org, 0 AS working, 0 AS student, 0 AS pensioner, 0 AS members, 0 AS plastic, 0 AS virtual,
      -count(*) AS cards
    FROM old_cards o JOIN "Member" m ON m.id = o."memberId" GROUP BY 1) x;
  IF deltas IS NOT NULL THEN PERFORM org_count_add(deltas); END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION org_count_cards_upd() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE deltas jsonb;
BEGIN
  SELECT jsonb_agg(x) INTO deltas FROM (
    SELECT m."organisationId" AS org, 0 AS working, 0 AS student, 0 AS pensioner, 0 AS members, 0 AS plastic, 0 AS virtual,
      sum(v.s) AS cards
    FROM old_cards o JOIN new_cards n ON n.id = o.id CROSS JOIN LATERAL (VALUES (n."memberId", 1), (o."memberId", -1)) AS v(mid, s)
    JOIN "Member" m ON m.id = v.mid WHERE n."memberId" <> o."memberId" GROUP BY 1) x;
  IF deltas IS NOT NULL THEN PERFORM org_count_add(deltas); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "Card_counts_insert" AFTER INSERT ON "Card" REFERENCING NEW TABLE AS new_cards
  FOR EACH STATEMENT EXECUTE FUNCTION org_count_cards_ins();
CREATE TRIGGER "Card_counts_update" AFTER UPDATE ON "Card" REFERENCING OLD TABLE AS old_cards NEW TABLE AS new_cards
  FOR EACH STATEMENT EXECUTE FUNCTION org_count_cards_upd();
CREATE TRIGGER "Card_counts_delete" AFTER DELETE ON "Card" REFERENCING OLD TABLE AS old_cards
  FOR EACH STATEMENT EXECUTE FUNCTION org_count_cards_del();

-- A member moved to another organisation takes the count of its cards along.
CREATE FUNCTION org_count_member_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
  SELECT count(*) INTO n FROM "Card" WHERE "memberId" = NEW.id;
  IF n > 0 THEN
    PERFORM org_count_add(jsonb_build_array(
      jsonb_build_object('org', OLD."organisationId", 'working', 0, 'student', 0, 'pensioner', 0, 'members', 0, 'plastic', 0, 'virtual', 0, 'cards', -n),
      jsonb_build_object('org', NEW."organisationId", 'working', 0, 'student', 0, 'pensioner', 0, 'members', 0, 'plastic', 0, 'virtual', 0, 'cards', n)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "Member_counts_moved" AFTER UPDATE OF "organisationId" ON "Member" FOR EACH ROW
  WHEN (OLD."organisationId" IS DISTINCT FROM NEW."organisationId") EXECUTE FUNCTION org_count_member_moved();

-- Emptying the tables (never in the app) empties the counters.
CREATE FUNCTION org_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'Card' THEN UPDATE "OrgCount" SET "cardsOrdered" = 0 WHERE "cardsOrdered" <> 0;
  ELSE UPDATE "OrgCount" SET working = 0, student = 0, pensioner = 0, members = 0, plastic = 0, virtual = 0; END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "Registration_counts_truncate" AFTER TRUNCATE ON "Registration" FOR EACH STATEMENT EXECUTE FUNCTION org_count_truncated();
CREATE TRIGGER "Card_counts_truncate" AFTER TRUNCATE ON "Card" FOR EACH STATEMENT EXECUTE FUNCTION org_count_truncated();

-- Recounts everything from the tables (after a bulk load with triggers off, as the benchmark's generator does).
CREATE FUNCTION org_count_rebuild() RETURNS void LANGUAGE sql AS $$
  DELETE FROM "OrgCount";
  INSERT INTO "OrgCount" ("organisationId", working, student, pensioner, members, plastic, virtual, "cardsOrdered")
  SELECT org, sum(working), sum(student), sum(pensioner), sum(members), sum(plastic), sum(virtual), sum(cards) FROM (
    SELECT r."organisationId" AS org, t.working, t.student, t.pensioner, t.members, t.plastic, t.virtual, 0 AS cards
    FROM "Registration" r, LATERAL reg_tally(r."validFrom", r."validTo", r.category, r."cardPlastic", r."cardVirtual", '9999-12-31') t
    WHERE r."validTo" IS NULL
    UNION ALL
    SELECT m."organisationId", 0, 0, 0, 0, 0, 0, count(*) FROM "Card" c JOIN "Member" m ON m.id = c."memberId" GROUP BY 1
  ) x GROUP BY org;
$$;
SELECT org_count_rebuild();

-- "Not started" as of a date: the cards ordered after it are subtracted.
CREATE INDEX "Card_createdAt_idx" ON "Card" ("createdAt");
