-- A deterministic full-scale union for benchmarks: 80 regions, 2,320 territorial and 75,400 primary
-- organisations, :members members (default 4,000,000), cards, chairs, a year of movements.
-- Ids are md5-derived, names and dates are functions of the row number: the same union on every run.
SET synchronous_commit = off;
CREATE TEMP TABLE params AS SELECT :members::bigint AS members;

INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "foundedAt", "updatedAt")
SELECT md5('central')::uuid, 'CENTRAL', NULL, '/' || md5('central')::uuid || '/', 0, 'Центральный Совет', 'ЦЕНТРАЛЬНЫЙ СОВЕТ', '1990-01-01', now();

INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "foundedAt", "updatedAt")
SELECT md5('r' || r)::uuid, 'REGIONAL', md5('central')::uuid, '/' || md5('central')::uuid || '/' || md5('r' || r)::uuid || '/', 1,
  'Региональная организация № ' || r, 'РЕГИОНАЛЬНАЯ ОРГАНИЗАЦИЯ № ' || lpad(r::text, 3, '0'), '1990-01-01', now()
FROM generate_series(1, 80) r;

INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "foundedAt", "updatedAt")
SELECT md5('t' || t)::uuid, 'TERRITORIAL', md5('r' || (1 + (t - 1) % 80))::uuid,
  '/' || md5('central')::uuid || '/' || md5('r' || (1 + (t - 1) % 80))::uuid || '/' || md5('t' || t)::uuid || '/', 2,
  'Территориальная организация № ' || t, 'ТЕРРИТОРИАЛЬНАЯ ОРГАНИЗАЦИЯ № ' || lpad(t::text, 5, '0'), '1990-01-01', now()
FROM generate_series(1, 2320) t;

INSERT INTO "Organisation"(id, kind, "parentId", path, depth, name, "nameKey", "institutionType", "employeesCount", "foundedAt", "updatedAt")
SELECT md5('p' || p)::uuid, 'PRIMARY', md5('t' || (1 + (p - 1) % 2320))::uuid,
  o.path || md5('p' || p)::uuid || '/', 3,
  'ППО № ' || p, 'ППО № ' || lpad(p::text, 6, '0'),
  (ARRAY['DOO','OO','OO','UDO','POO','OOVO','OTHER'])[1 + p % 7]::"InstitutionType", 20 + p % 80, '1995-01-01', now()
FROM generate_series(1, 75400) p JOIN "Organisation" o ON o.id = md5('t' || (1 + (p - 1) % 2320))::uuid;

-- Persons and members: member i sits in primary 1 + i % 75400 (about 53 each).
INSERT INTO "Person"(id, "lastName", "firstName", "middleName", "birthDate", gender, "lastNameKey", "identityKey", "updatedAt")
SELECT md5('person' || i)::uuid,
  (ARRAY['Иванова','Смирнова','Кузнецова','Попова','Васильева','Петров','Соколов','Михайлова','Новикова','Фёдорова'])[1 + i % 10] || i,
  (ARRAY['Анна','Елена','Ольга','Мария','Ирина','Сергей','Андрей','Татьяна','Наталья','Юлия'])[1 + (i / 10) % 10],
  'Ивановна', date '1950-01-01' + (i * 7919 % 20000)::int,
  CASE WHEN i % 5 = 0 THEN 'MALE'::"Gender" ELSE 'FEMALE'::"Gender" END,
  upper((ARRAY['Иванова','Смирнова','Кузнецова','Попова','Васильева','Петров','Соколов','Михайлова','Новикова','Фёдорова'])[1 + i % 10] || i),
  'K' || i, now()
FROM generate_series(1, (SELECT members FROM params)) i;

INSERT INTO "Member"(id, "personId", "organisationId", category, "joinedAt", status, "exitedAt", "exitKind", "updatedAt")
SELECT md5('member' || i)::uuid, md5('person' || i)::uuid, md5('p' || (1 + i % 75400))::uuid,
  (CASE WHEN i % 10 < 7 THEN 'WORKING' WHEN i % 10 < 9 THEN 'STUDENT' ELSE 'PENSIONER' END)::"Category",
  date '2000-01-01' + (i * 104729 % 9400)::int,
  CASE WHEN i % 20 = 0 THEN 'EXITED'::"MemberStatus" ELSE 'ACTIVE'::"MemberStatus" END,
  CASE WHEN i % 20 = 0 THEN date '2000-01-01' + (i * 104729 % 9400)::int + 30 + (i % 500)::int END,
  CASE WHEN i % 20 = 0 THEN (ARRAY['EXIT_VOLUNTARY','EXIT_DISMISSED','EXIT_GRADUATED','EXIT_DIED'])[1 + (i / 20) % 4]::"MovementKind" END,
  now()
FROM generate_series(1, (SELECT members FROM params)) i;

INSERT INTO "Registration"(id, "memberId", "organisationId", category, "validFrom", "validTo", "startKind", "endKind")
SELECT md5('reg' || m.id)::uuid, m.id, m."organisationId", m.category, m."joinedAt", m."exitedAt", 'JOINED', m."exitKind" FROM "Member" m;

-- Movements of the last two years only (older history does not change the year's figures).
INSERT INTO "Movement"(id, "memberId", kind, date, "organisationId")
SELECT md5('mj' || m.id)::uuid, m.id, 'JOINED', m."joinedAt", m."organisationId" FROM "Member" m WHERE m."joinedAt" >= date '2024-11-01';
INSERT INTO "Movement"(id, "memberId", kind, date, "organisationId")
SELECT md5('mx' || m.id)::uuid, m.id, m."exitKind", m."exitedAt", m."organisationId" FROM "Member" m WHERE m.status = 'EXITED';

-- Cards: about half the members hold an issued card (a few virtual), numbers from the real sequence.
INSERT INTO "Card"(id, number, "memberId", form, status, "issuedAt", "updatedAt")
SELECT md5('card' || m.id)::uuid, '96' || lpad(nextval('card_number_seq')::text, 13, '0') || '0',
  m.id, CASE WHEN abs(hashtext(m.id::text)) % 20 = 0 THEN 'VIRTUAL'::"CardForm" ELSE 'PLASTIC'::"CardForm" END, 'ISSUED', date '2024-01-01' + abs(hashtext(m.id::text)) % 600, now()
FROM "Member" m WHERE m.status = 'ACTIVE' AND abs(hashtext(m.id::text)) % 2 = 0;

-- A chair in every primary organisation (the first persons; with fewer members than organisations, some chair several).
INSERT INTO "Position"(id, "personId", "organisationId", kind, "startDate", "isPaid", "isElected")
SELECT md5('chair' || p)::uuid, md5('person' || (1 + (p - 1) % (SELECT members FROM params)))::uuid, md5('p' || (1 + p % 75400))::uuid, 'CHAIR', date '2010-01-01' + (p % 5000), p % 10 = 0, true
FROM generate_series(1, 75400) p;

ANALYZE;
