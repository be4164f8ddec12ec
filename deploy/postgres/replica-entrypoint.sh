#!/bin/sh
# The streaming replica: on first start, copies the primary (pg_basebackup -R writes standby.signal and
# primary_conninfo), then runs as a hot standby that answers reads only.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h "$PRIMARY_HOST" -U replicator; do sleep 1; done
  export PGPASSWORD="$REPLICATION_PASSWORD"
  pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -X stream -S replica1 -R -P
  chown -R postgres:postgres "$PGDATA"
  chmod 0700 "$PGDATA"
fi
exec gosu postgres postgres -c hot_standby=on -c random_page_cost=1.1 -c work_mem=32MB -c shared_buffers=1GB \
  -c max_standby_streaming_delay=30s -c hot_standby_feedback=on
