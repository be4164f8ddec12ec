-- Accounts for the load test (npm run bench:load): a chair of sampled organisations at every level, all with the
-- password given as :hash (an argon2 hash made by the caller), the non-disclosure obligation accepted.
-- Logins: bench-c (central council), bench-r-N (regions), bench-t-N (territorial), bench-p-N (primary).
CREATE TEMP TABLE bench_user AS
SELECT o.id AS org, CASE o.kind WHEN 'CENTRAL' THEN 'bench-c' WHEN 'REGIONAL' THEN 'bench-r-' || n WHEN 'TERRITORIAL'
    THEN 'bench-t-' || n ELSE 'bench-p-' || n END AS login
FROM (
  SELECT o.*, row_number() OVER (PARTITION BY o.kind ORDER BY md5(o.id::text)) AS n FROM "Organisation" o
  WHERE o.kind IN ('CENTRAL', 'REGIONAL', 'TERRITORIAL', 'PRIMARY')
) o
WHERE (o.kind = 'CENTRAL') OR (o.kind = 'REGIONAL' AND o.n <= 20) OR (o.kind = 'TERRITORIAL' AND o.n <= 100)
  OR (o.kind = 'PRIMARY' AND o.n <= 600);
INSERT INTO "User"(id, login, "passwordHash", "fullName", "ndaAcceptedAt", "updatedAt")
SELECT overlay(overlay(md5('user' || login) placing '4' from 13) placing '8' from 17)::uuid, login, :hash, 'Нагрузочный тест ' || login, now(), now() FROM bench_user;
INSERT INTO "RoleAssignment"(id, "userId", "organisationId", role, "startsOn")
SELECT overlay(overlay(md5('role' || login) placing '4' from 13) placing '8' from 17)::uuid, overlay(overlay(md5('user' || login) placing '4' from 13) placing '8' from 17)::uuid, org, 'CHAIR', date '2020-01-01' FROM bench_user;
DROP TABLE bench_user;
