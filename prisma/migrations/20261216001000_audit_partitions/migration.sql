-- CreateTable
CREATE TABLE "AuditRetention" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "months" INTEGER NOT NULL DEFAULT 36,
    "updatedById" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditRetention_pkey" PRIMARY KEY ("id")
);

-- Hand-written (issue 12): the audit log, which records every view of personal data and grows by millions of rows
-- a day at the report deadline, is partitioned by month (declarative range partitioning on "at"). Old months are
-- removed whole (DROP of a partition: no row-by-row delete, no bloat) once they are older than the period the
-- central office sets ("AuditRetention"); the append-only rule still holds for every row of every partition.

ALTER TABLE "AuditRetention" ADD CONSTRAINT "AuditRetention_one_row" CHECK (id = 1);
-- At least a year: "whose records did this account read" answers over a year of logs.
ALTER TABLE "AuditRetention" ADD CONSTRAINT "AuditRetention_months" CHECK ("months" BETWEEN 12 AND 240);
INSERT INTO "AuditRetention" (id, "months") VALUES (1, 36);

-- The table as it was is renamed away; its rows are copied into the partitioned one, then it is dropped.
ALTER TABLE "AuditLog" RENAME TO "AuditLog_unpartitioned";
ALTER TABLE "AuditLog_unpartitioned" RENAME CONSTRAINT "AuditLog_pkey" TO "AuditLog_unpartitioned_pkey";
ALTER INDEX "AuditLog_at_idx" RENAME TO "AuditLog_unpartitioned_at_idx";
ALTER INDEX "AuditLog_userId_at_idx" RENAME TO "AuditLog_unpartitioned_userId_at_idx";
ALTER INDEX "AuditLog_entity_entityId_idx" RENAME TO "AuditLog_unpartitioned_entity_entityId_idx";
ALTER SEQUENCE "AuditLog_id_seq" OWNED BY NONE;

-- A partitioned table's primary key must contain the partition key: (id, at); id stays unique by its sequence.
CREATE TABLE "AuditLog" (
    "id" BIGINT NOT NULL DEFAULT nextval('"AuditLog_id_seq"'),
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" UUID,
    "action" TEXT NOT NULL,
    "entity" TEXT,
    "entityId" TEXT,
    "organisationId" UUID,
    "rowCount" INTEGER,
    "outcome" TEXT NOT NULL DEFAULT 'OK',
    "details" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id", "at")
) PARTITION BY RANGE ("at");
ALTER SEQUENCE "AuditLog_id_seq" OWNED BY "AuditLog"."id";

-- Indexes on the parent are created on every partition, present and future. ("userId", at) answers "whose
-- records did this account read" over a year: one index range per month.
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");
CREATE INDEX "AuditLog_userId_at_idx" ON "AuditLog"("userId", "at");
CREATE INDEX "AuditLog_entity_entityId_idx" ON "AuditLog"("entity", "entityId");

-- Append-only: the row trigger on the parent is cloned onto every partition; TRUNCATE is refused on the parent
-- and, since a statement trigger is not inherited, on each partition as it is made.
CREATE TRIGGER "AuditLog_no_update" BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON "AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The partition of the month that starts on `month` (the first of a month): "AuditLog_pYYYYMM", created if missing.
CREATE FUNCTION audit_log_partition(month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m date := date_trunc('month', month)::date;
  name text := 'AuditLog_p' || to_char(m, 'YYYYMM');
BEGIN
  IF to_regclass(quote_ident(name)) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF "AuditLog" FOR VALUES FROM (%L) TO (%L)', name, m, (m + interval '1 month')::date);
    EXECUTE format('CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()', name);
  END IF;
  RETURN name;
END $$;

-- The partitions from the current month to `ahead` months ahead (run at start and daily): a write never finds its
-- month missing. Returns how many were created.
CREATE FUNCTION audit_log_ensure_partitions(ahead int DEFAULT 3) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  m date;
  made int := 0;
BEGIN
  FOR m IN SELECT generate_series(date_trunc('month', now()), date_trunc('month', now()) + make_interval(months => ahead), interval '1 month')::date LOOP
    IF to_regclass(quote_ident('AuditLog_p' || to_char(m, 'YYYYMM'))) IS NULL THEN
      PERFORM audit_log_partition(m);
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END $$;

-- The monthly partitions wholly before `cutoff`, oldest first, with their bounds (a partition is named by its month).
CREATE FUNCTION audit_log_partitions() RETURNS TABLE (name text, month date, rows bigint) LANGUAGE sql STABLE AS $$
  SELECT c.relname::text, to_date(substr(c.relname, 11), 'YYYYMM'), greatest(c.reltuples, 0)::bigint
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = '"AuditLog"'::regclass AND c.relname ~ '^AuditLog_p[0-9]{6}$'
  ORDER BY 2
$$;

-- Every month of the rows kept so far gets its partition; the rows are copied in their order.
SELECT audit_log_partition(m::date)
FROM generate_series(coalesce((SELECT date_trunc('month', min(at)) FROM "AuditLog_unpartitioned"), date_trunc('month', now())),
  date_trunc('month', now()) + interval '3 months', interval '1 month') m;
INSERT INTO "AuditLog" (id, at, "userId", action, entity, "entityId", "organisationId", "rowCount", outcome, details)
SELECT id, at, "userId", action, entity, "entityId", "organisationId", "rowCount", outcome, details
FROM "AuditLog_unpartitioned" ORDER BY id;
DROP TABLE "AuditLog_unpartitioned";
