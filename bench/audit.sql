-- A year of audit log for the benchmark (npm run bench:audit): :rows rows over the 365 days before now, in the
-- monthly partitions (made here), from the benchmark's accounts (users.sql): the central chair (bench-c) a heavy
-- reader with :heavy rows, the others sharing the rest. Views of member cards (70 %), of cards (10 %), member lists
-- (15 %) and logins (5 %); members named by the generator's ids. Deterministic (hash of the row number).
SELECT audit_log_partition(m::date) FROM generate_series(date_trunc('month', now() - interval '365 days'), date_trunc('month', now()), interval '1 month') m;
CREATE TEMP TABLE bu AS SELECT row_number() OVER (ORDER BY login) - 1 AS k, id FROM "User" WHERE login LIKE 'bench-%' AND login <> 'bench-c';
CREATE TEMP TABLE bp AS SELECT (SELECT count(*) FROM bu) AS nu, (SELECT count(*) FROM "Member") AS nm,
  (SELECT id FROM "User" WHERE login = 'bench-c') AS heavy;
INSERT INTO "AuditLog" (at, "userId", action, entity, "entityId", "organisationId", "rowCount", outcome)
SELECT now() - make_interval(secs => (hashint8extended(g, 1) & 1048575)::float8 / 1048576 * 365 * 86400),
  CASE WHEN g <= :heavy THEN bp.heavy ELSE bu.id END,
  x.action, CASE x.action WHEN 'member.viewed' THEN 'Member' WHEN 'card.viewed' THEN 'Card' WHEN 'member.listed' THEN 'Organisation' END,
  CASE x.action WHEN 'member.viewed' THEN overlay(overlay(md5('member' || (1 + (hashint8extended(g, 3) & 2147483647) % bp.nm)) placing '4' from 13) placing '8' from 17)
    WHEN 'card.viewed' THEN overlay(overlay(md5('card' || (1 + (hashint8extended(g, 3) & 2147483647) % bp.nm)) placing '4' from 13) placing '8' from 17) END,
  NULL, CASE WHEN x.action = 'member.listed' THEN 50 END, 'OK'
FROM bp, generate_series(1, :rows) g
  JOIN bu ON bu.k = (hashint8extended(g, 2) & 2147483647) % (SELECT nu FROM bp),
  LATERAL (SELECT CASE WHEN v < 0.70 THEN 'member.viewed' WHEN v < 0.80 THEN 'card.viewed' WHEN v < 0.95 THEN 'member.listed' ELSE 'login' END AS action
    FROM (SELECT (hashint8extended(g, 4) & 1048575)::float8 / 1048576 AS v) y) x;
ANALYZE "AuditLog";
