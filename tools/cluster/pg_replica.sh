#!/usr/bin/env bash
# A PostgreSQL 15 hot standby of a primary on loopback, made with pg_basebackup and kept by streaming replication.
#   pg_replica.sh start DIR PORT [PRIMARY_PORT]   (idempotent: a running standby is left as it is)
#   pg_replica.sh stop DIR
# Debian keeps postgresql.conf and pg_hba.conf outside the data directory, so the standby gets small ones of its
# own. The primary must accept replication connections from 127.0.0.1; a trust line is added when it has none.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data directory}; port=${3:-5433}; primary_port=${4:-5432}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "$cmd" = stop ]; then
  if [ -f "$dir/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$dir" -m fast stop -w >/dev/null || true; fi
  exit 0
fi

if [ -f "$dir/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  exit 0
fi

psql_primary() { psql -h 127.0.0.1 -p "$primary_port" -U postgres -Atqc "$1"; }
hba=$(psql_primary "show hba_file")
if ! grep -Eq '^\s*host\s+replication\s' "$hba" 2>/dev/null; then
  # Only on a primary we can write to (the machine's own or one `make cluster` made); trust on loopback only.
  echo "host replication all 127.0.0.1/32 trust" >> "$hba"
  psql_primary "select pg_reload_conf()" >/dev/null
  sleep 1
fi

rm -rf "$dir"
mkdir -p "$dir"
chown postgres:postgres "$dir" 2>/dev/null || true
chmod 700 "$dir"
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir" -R -X stream -c fast
# A hot standby needs at least the primary's values of these.
settings=$(psql -h 127.0.0.1 -p "$primary_port" -U postgres -Atqc "select string_agg(name || ' = ' || setting, E'\n') from pg_settings where name in ('max_connections','max_worker_processes','max_wal_senders','max_prepared_transactions','max_locks_per_transaction')")
cat > "$dir/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = 30s
wal_level = replica
$settings
CONF
cat > "$dir/pg_hba.conf" <<CONF
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
CONF
chown postgres:postgres "$dir/postgresql.conf" "$dir/pg_hba.conf" 2>/dev/null || true
as_pg "$PGBIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w start >/dev/null
for _ in $(seq 1 30); do
  if [ "$(psql -h 127.0.0.1 -p "$port" -U postgres -Atqc 'select pg_is_in_recovery()' 2>/dev/null)" = t ]; then exit 0; fi
  sleep 1
done
echo "standby on port $port did not come up; see $dir/server.log" >&2
exit 1
