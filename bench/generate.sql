-- A deterministic union for benchmarks that looks like the real one (run after names.sql, in the same session).
-- :members Member rows (default 4,000,000, exited ones included). The tree: 80 regions of skewed size, territorial
-- organisations (2,320 at 4M, fewer for a smaller union) and primary organisations by institution type with the
-- sizes of life: kindergartens 10–40, schools 20–150 (most small), further education 10–60, colleges 50–500,
-- universities 5,000–20,000 with their students in профбюро (60 at 4M), other bodies 5–40; the non-university sizes
-- are scaled so that the total is exact. People: surnames, first names, patronymics from Russian frequency lists
-- (names.sql), women ~82 % of staff and ~62 % of students. History from 1995 to 2026-11-01: students in yearly
-- cohorts of four years (a quarter graduates each June, a few drop out), staff exits (12 %), transfers between
-- organisations (4 % of staff), cards in every state (some primaries not started, others at 30–95 %), reissues.
-- Every value is a function of the row number through hashint8extended: the same union on every run.
SET synchronous_commit = off;
CREATE TEMP TABLE params AS
SELECT m AS members, greatest(20, round(75400 * m / 4e6))::int AS np, greatest(1, round(60 * m / 4e6))::int AS nu,
  greatest(10, round(2320 * m / 4e6))::int AS nt
FROM (SELECT :members::bigint AS m) x;
-- A deterministic id: the md5 of a name, shaped as a version-4 UUID (the app accepts only RFC 4122 ids).
CREATE FUNCTION pg_temp.id(t text) RETURNS uuid LANGUAGE sql IMMUTABLE AS
  $$ SELECT overlay(overlay(md5(t) placing '4' from 13) placing '8' from 17)::uuid $$;
-- A uniform draw in [0, 1) and a non-negative hash, both of (row number, stream).
CREATE FUNCTION pg_temp.u(i bigint, s int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
  $$ SELECT (hashint8extended(i, s) & 1048575)::float8 / 1048576 $$;
CREATE FUNCTION pg_temp.h(i bigint, s int) RETURNS bigint LANGUAGE sql IMMUTABLE AS
  $$ SELECT hashint8extended(i, s) & 2147483647 $$;

INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "foundedAt", "updatedAt")
SELECT pg_temp.id('central'), 'CENTRAL', NULL, '/' || pg_temp.id('central') || '/', 0, 'Центральный Совет', 'ЦЕНТРАЛЬНЫЙ СОВЕТ', '1990-01-01', now();

INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "foundedAt", "updatedAt")
SELECT pg_temp.id('r' || r), 'REGIONAL', pg_temp.id('central'), '/' || pg_temp.id('central') || '/' || pg_temp.id('r' || r) || '/', 1,
  'Региональная организация № ' || r, 'РЕГИОНАЛЬНАЯ ОРГАНИЗАЦИЯ № ' || lpad(r::text, 3, '0'), '1990-01-01', now()
FROM generate_series(1, 80) r;

-- Territorial organisations: region 1 the largest, the last ones small (a power of a uniform draw).
CREATE TEMP TABLE terr AS
SELECT t, pg_temp.id('t' || t) AS id, pg_temp.id('r' || (1 + floor(80 * pg_temp.u(t, 11) ^ 1.6))::int) AS region
FROM generate_series(1, (SELECT nt FROM params)) t;
INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "foundedAt", "updatedAt")
SELECT t.id, 'TERRITORIAL', t.region, r.path || t.id || '/', 2,
  'Территориальная организация № ' || t.t, 'ТЕРРИТОРИАЛЬНАЯ ОРГАНИЗАЦИЯ № ' || lpad(t.t::text, 5, '0'), '1990-01-01', now()
FROM terr t JOIN "Organisation" r ON r.id = t.region;

-- Primary organisations with their size before scaling (raw), then scaled so that the sizes sum to :members.
CREATE TEMP TABLE prim0 AS
SELECT p, pg_temp.id('p' || p) AS id, pg_temp.id('t' || (1 + floor(pa.nt * pg_temp.u(p, 21) ^ 1.2))::int) AS terr,
  x.type, CASE x.type
    WHEN 'OOVO' THEN 5000 + pg_temp.h(p, 23) % 15001
    WHEN 'DOO' THEN 10 + 30 * y WHEN 'OO' THEN 20 + 130 * y ^ 2.5 WHEN 'UDO' THEN 10 + 50 * y ^ 1.5
    WHEN 'POO' THEN 50 + 450 * y ^ 2 ELSE 5 + 35 * y END AS raw,
  CASE WHEN x.type = 'OOVO' THEN 8 + p % 13 ELSE 0 END AS nb,
  x.type <> 'OOVO' AND pg_temp.u(p, 25) < 0.15 AS nocards, 0.3 + 0.65 * pg_temp.u(p, 26) AS coverage
FROM params pa, generate_series(1, pa.np) p,
  LATERAL (SELECT pg_temp.u(p, 22) AS v, pg_temp.u(p, 24) AS y) d,
  LATERAL (SELECT CASE WHEN p <= pa.nu THEN 'OOVO' WHEN v < 0.42 THEN 'DOO' WHEN v < 0.80 THEN 'OO'
    WHEN v < 0.88 THEN 'UDO' WHEN v < 0.94 THEN 'POO' ELSE 'OTHER' END AS type) x;
CREATE TEMP TABLE prim AS
WITH f AS (
  SELECT greatest(0, (SELECT members FROM params) - sum(raw) FILTER (WHERE type = 'OOVO')) / sum(raw) FILTER (WHERE type <> 'OOVO') AS f
  FROM prim0
), s AS (
  SELECT p0.*, CASE WHEN type = 'OOVO' THEN raw ELSE greatest(3, ceil(raw * f.f)) END::bigint AS size FROM prim0 p0, f
)
SELECT s.*, (sum(size) OVER (ORDER BY p) - size)::bigint AS start FROM s;

INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "institutionType", "employeesCount",
  "studentsCount", "hasTerritorialRights", "foundedAt", "updatedAt")
SELECT p.id, 'PRIMARY', p.terr, t.path || p.id || '/', 3, n.name, upper(n.name), p.type::"InstitutionType",
  CASE WHEN p.type = 'OOVO' THEN p.size / 6 ELSE ceil(p.size * 1.25) END,
  CASE WHEN p.type IN ('OOVO', 'POO') THEN p.size * 2 END, p.type = 'OOVO', '1995-01-01', now()
FROM prim p JOIN "Organisation" t ON t.id = p.terr,
  LATERAL (SELECT CASE p.type
    WHEN 'DOO' THEN 'ППО МБДОУ «Детский сад № ' || p.p || '»' WHEN 'OO' THEN 'ППО МБОУ «Средняя школа № ' || p.p || '»'
    WHEN 'UDO' THEN 'ППО МБУ ДО «Дом детского творчества № ' || p.p || '»' WHEN 'POO' THEN 'ППО ГБПОУ «Колледж № ' || p.p || '»'
    WHEN 'OOVO' THEN 'ППО работников и обучающихся университета № ' || p.p
    ELSE 'ППО управления образования № ' || p.p END AS name) n;

-- Профбюро of the universities' faculties (their unit is the university: set by the Organisation trigger).
INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "foundedAt", "updatedAt")
SELECT pg_temp.id('b' || p.p || '_' || k), 'PROFBURO', p.id, o.path || pg_temp.id('b' || p.p || '_' || k) || '/', 4,
  'Профбюро факультета № ' || k, 'ПРОФБЮРО ФАКУЛЬТЕТА № ' || lpad(k::text, 2, '0'), '1995-01-01', now()
FROM prim p JOIN "Organisation" o ON o.id = p.id, generate_series(1, p.nb) k WHERE p.nb > 0;

-- Every member's facts, computed once: category, sex, birth, the organisation, joining, exit, a transfer.
CREATE TEMP TABLE mb AS
WITH a AS (
  SELECT i, p.p, p.id AS prim_id, p.nb, p.nocards, p.coverage,
    CASE WHEN (p.type = 'OOVO' AND pg_temp.u(i, 31) < 0.85) OR (p.type = 'POO' AND pg_temp.u(i, 31) < 0.55) THEN 'STUDENT'
      WHEN pg_temp.u(i, 31) > 0.92 THEN 'PENSIONER' ELSE 'WORKING' END AS cat
  FROM prim p, generate_series(p.start + 1, least(p.start + p.size, (SELECT members FROM params))) i
), b AS (
  SELECT a.*, pg_temp.u(i, 32) < CASE WHEN cat = 'STUDENT' THEN 0.62 ELSE 0.82 END AS female,
    CASE WHEN cat = 'STUDENT' AND nb > 0 THEN pg_temp.id('b' || p || '_' || (1 + pg_temp.h(i, 33) % nb)) ELSE prim_id END AS org,
    CASE cat WHEN 'STUDENT' THEN date '2001-01-01' + (pg_temp.h(i, 34) % 2900)::int
      WHEN 'WORKING' THEN date '1958-01-01' + (pg_temp.h(i, 34) % 15300)::int
      ELSE date '1940-01-01' + (pg_temp.h(i, 34) % 8400)::int END AS birth,
    CASE WHEN cat = 'STUDENT' THEN make_date(2019 + (pg_temp.h(i, 35) % 8)::int, 9, 1) + (pg_temp.h(i, 36) % 25)::int
      ELSE date '1995-01-01' + (pg_temp.h(i, 35) % 11300)::int END AS joined
  FROM a
), c AS (
  SELECT b.*, CASE
      WHEN cat = 'STUDENT' AND joined < date '2023-01-01' THEN make_date(extract(year FROM joined)::int + 4, 6, 30)
      WHEN cat = 'STUDENT' AND pg_temp.u(i, 37) < 0.07 THEN joined + 60 + (pg_temp.h(i, 38) % 600)::int
      WHEN cat <> 'STUDENT' AND pg_temp.u(i, 37) < 0.12 THEN greatest(joined + 180, date '2019-01-01' + (pg_temp.h(i, 38) % 2800)::int)
    END AS ex
  FROM b
), d AS (
  SELECT c.*, CASE WHEN ex < date '2026-11-01' THEN ex END AS exited FROM c
)
SELECT d.*,
  CASE WHEN exited IS NULL THEN NULL WHEN cat = 'STUDENT' AND joined < date '2023-01-01' THEN 'EXIT_GRADUATED'
    WHEN cat = 'STUDENT' THEN 'EXIT_VOLUNTARY' WHEN pg_temp.u(i, 39) < 0.45 THEN 'EXIT_VOLUNTARY'
    WHEN pg_temp.u(i, 39) < 0.85 THEN 'EXIT_DISMISSED' WHEN pg_temp.u(i, 39) < 0.93 THEN 'EXIT_DIED' ELSE 'EXIT_EXCLUDED' END AS exit_kind,
  CASE WHEN cat = 'WORKING' AND exited IS NULL AND joined < date '2024-01-01' AND pg_temp.u(i, 40) < 0.04
    THEN least(greatest(joined + 90, date '2020-01-01' + (pg_temp.h(i, 41) % 2100)::int), date '2026-10-01') END AS moved,
  pg_temp.id('p' || (1 + (p + pg_temp.h(i, 42) % ((SELECT np FROM params) - 1)) % (SELECT np FROM params))) AS came_from
FROM d;
CREATE INDEX ON mb (i);
ANALYZE mb;

INSERT INTO "Person"(id, "lastName", "firstName", "middleName", "birthDate", gender, "lastNameKey", "identityKey", "updatedAt")
SELECT pg_temp.id('person' || m.i), n.last, n.first, n.middle, m.birth,
  CASE WHEN m.female THEN 'FEMALE'::"Gender" ELSE 'MALE'::"Gender" END,
  replace(upper(n.last), 'Ё', 'Е'), 'B' || m.i, now()
FROM mb m
JOIN bench_surname s ON s.b = pg_temp.h(m.i, 51) & 1048575
JOIN bench_first f ON f.b = pg_temp.h(m.i, 52) & 65535
JOIN bench_patronymic q ON q.b = pg_temp.h(m.i, 53) & 65535,
LATERAL (SELECT CASE WHEN m.female THEN s.female ELSE s.male END AS last, CASE WHEN m.female THEN f.female ELSE f.male END AS first,
  CASE WHEN m.female THEN q.female ELSE q.male END AS middle) n;

-- The bulk tables are written with triggers and foreign-key checks off (when the role may: a superuser, as the
-- embedded server's is): every id is right by construction, and the copies the triggers keep on Registration
-- (the person's gender and birth date, the card periods) are written directly, computed as the triggers do
-- (card_span over every issued card of the member, by form). Cards come first so that they are known.
DO $$ BEGIN IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN SET LOCAL session_replication_role = replica; END IF; END $$;

INSERT INTO "Member"(id, "personId", "organisationId", category, "joinedAt", status, "exitedAt", "exitKind", "updatedAt")
SELECT pg_temp.id('member' || i), pg_temp.id('person' || i), org, cat::"Category", joined,
  CASE WHEN exited IS NULL THEN 'ACTIVE' ELSE 'EXITED' END::"MemberStatus", exited, exit_kind::"MovementKind", now()
FROM mb;

-- Cards since 2024: none in the primaries that have not started, 30–95 % of the active members elsewhere, in every
-- state; a blocked card is followed by its reissue; members who left after March 2024 may hold a blocked card.
CREATE TEMP TABLE cards AS
WITH active AS (
  SELECT i, joined, least(greatest(joined, date '2024-01-01') + (pg_temp.h(i, 64) % 500)::int, date '2026-10-31') AS issued,
    pg_temp.u(i, 62) AS v, pg_temp.u(i, 63) < 0.06 AS virt
  FROM mb WHERE exited IS NULL AND NOT nocards AND pg_temp.u(i, 61) < coverage
)
SELECT i, pg_temp.id('card' || i) AS id, CASE WHEN virt THEN 'VIRTUAL' ELSE 'PLASTIC' END AS form,
  CASE WHEN v < 0.72 THEN 'ISSUED' WHEN v < 0.75 THEN 'BLOCKED' WHEN v < 0.80 THEN 'DELIVERED_PRIMARY'
    WHEN v < 0.85 THEN 'DELIVERED_REGION' WHEN v < 0.91 THEN 'IN_PRODUCTION' ELSE 'ORDERED' END AS status,
  CASE WHEN v < 0.75 THEN issued END AS issued,
  CASE WHEN v >= 0.72 AND v < 0.75 THEN least(issued + 30 + (pg_temp.h(i, 65) % 200)::int, date '2026-10-31') END AS blocked,
  CASE WHEN v >= 0.72 AND v < 0.75 THEN 'Утрата' END AS reason
FROM active
UNION ALL
SELECT i, pg_temp.id('card' || i), 'PLASTIC', 'BLOCKED', least(greatest(joined, date '2024-01-01') + (pg_temp.h(i, 64) % 60)::int, exited - 1),
  exited, 'Выход из Профсоюза'
FROM mb WHERE exited > date '2024-03-01' AND joined < exited - 1 AND NOT nocards AND pg_temp.u(i, 61) < 0.4;

-- Ordered (created) up to a month before issue; those still in the pipeline ordered since September 2026.
INSERT INTO "Card"(id, number, "memberId", form, status, "issuedAt", "blockedAt", "blockReason", "createdAt", "updatedAt")
SELECT id, '96' || lpad(nextval('card_number_seq')::text, 13, '0') || '0', pg_temp.id('member' || i), form::"CardForm",
  status::"CardStatus", issued, blocked, reason,
  coalesce(issued, date '2026-09-01' + (pg_temp.h(i, 66) % 60)::int) - (pg_temp.h(i, 67) % 30)::int, now()
FROM (SELECT * FROM cards ORDER BY i) c;
-- The reissues of lost cards, from the day the old one was blocked.
INSERT INTO "Card"(id, number, "memberId", form, status, "issuedAt", "replacesId", "createdAt", "updatedAt")
SELECT pg_temp.id('card-r' || c.i), '96' || lpad(nextval('card_number_seq')::text, 13, '0') || '0', pg_temp.id('member' || c.i),
  c.form::"CardForm", 'ISSUED', c.blocked, c.id, c.blocked, now()
FROM (SELECT * FROM cards WHERE reason = 'Утрата' ORDER BY i) c;

-- The members' card periods by form, as member_card_spans() computes them.
CREATE TEMP TABLE spans AS
SELECT i, range_agg(card_span(issued, blocked)) FILTER (WHERE form = 'PLASTIC') AS plastic,
  range_agg(card_span(issued, blocked)) FILTER (WHERE form = 'VIRTUAL') AS virtual
FROM (SELECT i, form, issued, blocked FROM cards UNION ALL SELECT i, form, blocked, NULL FROM cards WHERE reason = 'Утрата') c
WHERE issued IS NOT NULL GROUP BY i;
CREATE INDEX ON spans (i);
ANALYZE spans;

-- Registrations: one period, or two around a transfer (out of the organisation the member came from).
INSERT INTO "Registration"(id, "memberId", "organisationId", category, "validFrom", "validTo", "startKind", "endKind",
  gender, "birthDate", "cardPlastic", "cardVirtual", "lastNameKey", "firstName", "middleName")
SELECT pg_temp.id('reg' || m.i), pg_temp.id('member' || m.i), CASE WHEN moved IS NULL THEN org ELSE came_from END, cat::"Category",
  joined, coalesce(moved, exited), 'JOINED', CASE WHEN moved IS NULL THEN exit_kind ELSE 'TRANSFER_OUT' END::"MovementKind",
  CASE WHEN female THEN 'FEMALE' ELSE 'MALE' END::"Gender", birth, s.plastic, s.virtual, p."lastNameKey", p."firstName", p."middleName"
FROM mb m LEFT JOIN spans s ON s.i = m.i JOIN "Person" p ON p.id = pg_temp.id('person' || m.i);
INSERT INTO "Registration"(id, "memberId", "organisationId", category, "validFrom", "validTo", "startKind", "endKind",
  gender, "birthDate", "cardPlastic", "cardVirtual", "lastNameKey", "firstName", "middleName")
SELECT pg_temp.id('reg-t' || m.i), pg_temp.id('member' || m.i), org, cat::"Category", moved, NULL, 'TRANSFER_IN', NULL,
  CASE WHEN female THEN 'FEMALE' ELSE 'MALE' END::"Gender", birth, s.plastic, s.virtual, p."lastNameKey", p."firstName", p."middleName"
FROM mb m LEFT JOIN spans s ON s.i = m.i JOIN "Person" p ON p.id = pg_temp.id('person' || m.i) WHERE moved IS NOT NULL;

INSERT INTO "Movement"(id, "memberId", kind, date, "organisationId", "otherOrganisationId")
SELECT pg_temp.id('mj' || i), pg_temp.id('member' || i), 'JOINED'::"MovementKind", joined, CASE WHEN moved IS NULL THEN org ELSE came_from END, NULL FROM mb
UNION ALL
SELECT pg_temp.id('mo' || i), pg_temp.id('member' || i), 'TRANSFER_OUT'::"MovementKind", moved, came_from, org FROM mb WHERE moved IS NOT NULL
UNION ALL
SELECT pg_temp.id('mi' || i), pg_temp.id('member' || i), 'TRANSFER_IN'::"MovementKind", moved, org, came_from FROM mb WHERE moved IS NOT NULL
UNION ALL
SELECT pg_temp.id('mx' || i), pg_temp.id('member' || i), exit_kind::"MovementKind", exited, org, NULL FROM mb WHERE exited IS NOT NULL;

SET LOCAL session_replication_role = origin;

-- Chairs: of every primary its first member, of every профбюро a student, of the bodies above some member.
INSERT INTO "Position"(id, "personId", "organisationId", kind, "startDate", "isPaid", "isElected")
SELECT pg_temp.id('chair' || p.p), pg_temp.id('person' || (p.start + 1)), p.id, 'CHAIR'::"PositionKind", date '2010-01-01' + (p.p % 5000)::int,
  p.type = 'OOVO' OR p.p % 10 = 0, true
FROM prim p WHERE p.start + 1 <= (SELECT members FROM params)
UNION ALL
SELECT pg_temp.id('bchair' || p.p || '_' || k), pg_temp.id('person' || (p.start + 1 + k)), pg_temp.id('b' || p.p || '_' || k),
  'PROFBURO_CHAIR'::"PositionKind", date '2022-09-01', false, true
FROM prim p, generate_series(1, p.nb) k WHERE p.nb > 0 AND p.start + 1 + k <= (SELECT members FROM params)
UNION ALL
SELECT pg_temp.id('ochair' || o.id), pg_temp.id('person' || (1 + pg_temp.h(o.depth * 100000 + row_number() OVER (ORDER BY o.path), 71) % (SELECT members FROM params))),
  o.id, 'CHAIR'::"PositionKind", date '2015-01-01', true, true
FROM "Organisation" o WHERE o.depth < 3;

-- The per-organisation counters (issue 12), kept by triggers, were off during the bulk load: count them once.
SELECT org_count_rebuild();

DROP TABLE mb, cards, spans, prim0;
ANALYZE;
