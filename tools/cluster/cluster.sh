#!/usr/bin/env bash
# `make cluster` / `make cluster-stop`: a province deployment on one machine, every part on a loopback port.
#
#   PostgreSQL primary :15432 ── streaming ──> hot standby :15434 (pg_basebackup)
#   pgbouncer :16432 (transaction pooling; databases civicloop → primary, civicloop_replica → standby)
#   Redis :16379 (appendonly: the queue survives a restart)
#   gunicorn app servers :18001 :18002 ── haproxy :18000 (health check /health/)
#   two `manage.py worker` processes (RQ workers + the periodic scheduler)
#
# Everything comes from Debian (postgresql-15, pgbouncer, haproxy, redis-server) and PyPI (.venv); state lives in
# $CLUSTER_DIR (default /var/tmp/civicloop-cluster). `cluster.sh env` prints the environment the app runs with.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DIR=${CLUSTER_DIR:-/var/tmp/civicloop-cluster}
PY=$ROOT/.venv/bin/python
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
P_PRIMARY=15432; P_REPLICA=15434; P_BOUNCER=16432; P_REDIS=16379; P_LB=18000; P_APP1=18001; P_APP2=18002
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
log() { echo "[cluster $(date +%H:%M:%S)] $*"; }

cluster_env() {
  cat <<ENV
export DATABASE_URL=postgres://postgres@127.0.0.1:$P_BOUNCER/civicloop
export DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$P_BOUNCER/civicloop_replica
export DATABASE_TRANSACTION_POOLING=1
export REDIS_URL=redis://127.0.0.1:$P_REDIS/0
export CIVICLOOP_VAR_DIR=$DIR/var
export DEBUG=0
export ALLOWED_HOSTS=127.0.0.1,localhost
export NOTIFY_CHANNELS=tools.cluster.drill_channel.RecordingChannel
export CIVICLOOP_DRILL_SENT_LOG=$DIR/sent.log
export CLUSTER_DIR=$DIR
export CLUSTER_LB=http://127.0.0.1:$P_LB
export CLUSTER_PRIMARY_URL=postgres://postgres@127.0.0.1:$P_PRIMARY/civicloop
export CLUSTER_REPLICA_DIRECT_URL=postgres://postgres@127.0.0.1:$P_REPLICA/civicloop
ENV
}

install_packages() {
  local missing=()
  [ -x "$PGBIN/initdb" ] || missing+=(postgresql)
  command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # Debian starts the packaged services; the cluster runs its own instances on its own ports.
    for s in pgbouncer haproxy; do systemctl disable --now "$s" >/dev/null 2>&1 || service "$s" stop >/dev/null 2>&1 || true; done
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  if ! "$PY" -c "import importlib.util as u, sys; sys.exit(not (u.find_spec('django_tasks_rq') and u.find_spec('redis')))" 2>/dev/null; then
    log "installing the Python packages"
    make -s install >/dev/null
  fi
}

start_primary() {
  local d=$DIR/pg-primary
  if [ ! -f "$d/PG_VERSION" ]; then
    mkdir -p "$d"; chown postgres:postgres "$d"; chmod 700 "$d"
    as_pg "$PGBIN/initdb" -D "$d" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$d/postgresql.conf" <<CONF
port = $P_PRIMARY
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
timezone = 'UTC'
log_timezone = 'UTC'
wal_level = replica
max_wal_senders = 5
max_connections = 120
shared_buffers = 128MB
synchronous_commit = on
CONF
    echo "host replication all 127.0.0.1/32 trust" >> "$d/pg_hba.conf"
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$d" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$d" -l "$d/server.log" -w start >/dev/null
  fi
  if ! psql -h 127.0.0.1 -p $P_PRIMARY -U postgres -Atqc "select 1 from pg_database where datname='civicloop'" | grep -q 1; then
    psql -h 127.0.0.1 -p $P_PRIMARY -U postgres -qc "create database civicloop"
  fi
}

start_replica() {
  bash tools/cluster/pg_replica.sh start "$DIR/pg-replica" $P_REPLICA $P_PRIMARY
  # The standby inherits the primary's settings file from pg_replica.sh; it must report UTC too.
  if ! grep -q "^timezone" "$DIR/pg-replica/postgresql.conf"; then
    echo "timezone = 'UTC'" >> "$DIR/pg-replica/postgresql.conf"
    as_pg "$PGBIN/pg_ctl" -D "$DIR/pg-replica" -w restart -l "$DIR/pg-replica/server.log" >/dev/null
  fi
}

start_pgbouncer() {
  local d=$DIR/pgbouncer
  mkdir -p "$d"; chown postgres:postgres "$d"
  cat > "$d/pgbouncer.ini" <<INI
[databases]
civicloop = host=127.0.0.1 port=$P_PRIMARY dbname=civicloop
civicloop_replica = host=127.0.0.1 port=$P_REPLICA dbname=civicloop

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $P_BOUNCER
unix_socket_dir =
auth_type = trust
auth_file = $d/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile = $d/pgbouncer.log
pidfile = $d/pgbouncer.pid
INI
  echo '"postgres" ""' > "$d/userlist.txt"
  chown postgres:postgres "$d"/*
  if [ -f "$d/pgbouncer.pid" ] && kill -0 "$(cat "$d/pgbouncer.pid")" 2>/dev/null; then return; fi
  as_pg pgbouncer -d "$d/pgbouncer.ini"
}

start_redis() {
  mkdir -p "$DIR/redis"
  if redis-cli -p $P_REDIS ping >/dev/null 2>&1; then return; fi
  redis-server --port $P_REDIS --bind 127.0.0.1 --dir "$DIR/redis" --appendonly yes --save "" \
    --daemonize yes --pidfile "$DIR/redis/redis.pid" --logfile "$DIR/redis/redis.log"
  for _ in $(seq 1 50); do redis-cli -p $P_REDIS ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "redis did not start" >&2; exit 1
}

start_app() {  # start_app N PORT
  local n=$1 port=$2 pidf=$DIR/app$1.pid
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then return; fi
  (eval "$(cluster_env)"; cd "$ROOT"; exec "$ROOT/.venv/bin/gunicorn" civicloop.wsgi:application \
    --bind 127.0.0.1:"$port" --workers 2 --threads 4 --worker-class gthread --timeout 60 \
    --pid "$pidf" --daemon --access-logfile "$DIR/app$n.access.log" --error-logfile "$DIR/app$n.log")
  for _ in $(seq 1 600); do  # up to 2 minutes: a loaded two-core machine boots gunicorn slowly
    curl -fsS "http://127.0.0.1:$port/health/" >/dev/null 2>&1 && return; sleep 0.2
  done
  echo "app server $n did not answer /health/" >&2; exit 1
}

start_worker() {  # start_worker N
  local n=$1 pidf=$DIR/worker$1.pid
  if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then return; fi
  (eval "$(cluster_env)"; cd "$ROOT"; nohup setsid "$PY" manage.py worker --name "w$n" --tick 1 \
    >> "$DIR/worker$n.log" 2>&1 & echo $! > "$pidf")
}

start_haproxy() {
  cat > "$DIR/haproxy.cfg" <<CFG
global
  maxconn 2000
  pidfile $DIR/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch
frontend civicloop
  bind 127.0.0.1:$P_LB
  default_backend apps
backend apps
  balance roundrobin
  option httpchk GET /health/
  http-check send hdr Host 127.0.0.1
  default-server inter 1s fall 2 rise 2
  server app1 127.0.0.1:$P_APP1 check
  server app2 127.0.0.1:$P_APP2 check
CFG
  if [ -f "$DIR/haproxy.pid" ] && kill -0 "$(cat "$DIR/haproxy.pid")" 2>/dev/null; then return; fi
  haproxy -D -f "$DIR/haproxy.cfg"
}

seed() {
  if [ -f "$DIR/seeded" ]; then return; fi
  log "migrating and seeding the demo (on the primary directly)"
  (eval "$(cluster_env)"; export DATABASE_URL=$CLUSTER_PRIMARY_URL; unset DATABASE_TRANSACTION_POOLING DATABASE_REPLICA_URL
   "$PY" manage.py migrate --noinput -v0 && "$PY" manage.py seed_demo > "$DIR/seed.log" && \
   "$PY" manage.py collectstatic --noinput -v0 && "$PY" manage.py compile_translations >/dev/null)
  touch "$DIR/seeded"
}

stop_pidfile() {
  local f=$1
  if [ -f "$f" ]; then
    local pid; pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  fi
}

case "${1:-start}" in
  start)
    mkdir -p "$DIR/var"; chmod 755 "$DIR"
    install_packages
    log "PostgreSQL primary :$P_PRIMARY"; start_primary
    log "redis :$P_REDIS"; start_redis
    seed
    log "streaming replica :$P_REPLICA"; start_replica
    log "pgbouncer :$P_BOUNCER (transaction mode)"; start_pgbouncer
    log "app servers :$P_APP1 :$P_APP2"; start_app 1 $P_APP1; start_app 2 $P_APP2
    log "haproxy :$P_LB"; start_haproxy
    log "workers w1 w2"; start_worker 1; start_worker 2; date +%s > "$DIR/started_at"
    for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$P_LB/health/" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fsS "http://127.0.0.1:$P_LB/health/"; echo
    log "up: http://127.0.0.1:$P_LB/  (state in $DIR; stop with make cluster-stop)"
    ;;
  start-app) start_app "$2" "$([ "$2" = 1 ] && echo $P_APP1 || echo $P_APP2)" ;;
  start-worker) start_worker "$2" ;;
  start-redis) start_redis ;;
  stop-redis) redis-cli -p $P_REDIS shutdown >/dev/null 2>&1 || true; rm -f "$DIR/redis/redis.pid" ;;
  env) cluster_env ;;
  stop)
    for f in worker1 worker2 haproxy app1 app2; do stop_pidfile "$DIR/$f.pid"; done
    redis-cli -p $P_REDIS shutdown >/dev/null 2>&1 || true
    stop_pidfile "$DIR/pgbouncer/pgbouncer.pid"
    bash tools/cluster/pg_replica.sh stop "$DIR/pg-replica"
    [ -f "$DIR/pg-primary/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/pg-primary" -m fast -w stop >/dev/null || true
    if [ "${2:-}" = "--purge" ]; then rm -rf "$DIR"; fi
    log "stopped"
    ;;
  *) echo "usage: $0 start|stop [--purge]|env" >&2; exit 2 ;;
esac
