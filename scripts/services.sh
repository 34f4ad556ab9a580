#!/usr/bin/env bash
# Makes PostgreSQL and Redis available for the demo, the tests and CI: when DATABASE_URL / REDIS_URL
# do not answer, start the local services the way this machine's packages install them, then create
# the database named in DATABASE_URL. Idempotent; safe to run when everything is already up.
set -euo pipefail

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/plotmeter}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}

say() { printf '[services] %s\n' "$*" >&2; }

# Parse host, port and database name out of the URLs with node (always present) rather than sed.
read -r PGHOST PGPORT PGUSER PGDB < <(node -e '
  const u = new URL(process.argv[1]);
  console.log(u.hostname || "127.0.0.1", u.port || "5432", decodeURIComponent(u.username) || "postgres", decodeURIComponent(u.pathname.slice(1)) || "plotmeter");
' "$DATABASE_URL")
read -r RHOST RPORT < <(node -e '
  const u = new URL(process.argv[1]); console.log(u.hostname || "127.0.0.1", u.port || "6379");
' "$REDIS_URL")

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && exec 3>&- 3<&-; }

wait_for() { # host port name
  for _ in $(seq 1 60); do port_open "$1" "$2" && return 0; sleep 0.5; done
  say "$3 did not come up on $1:$2"; return 1
}

if ! port_open "$PGHOST" "$PGPORT"; then
  say "PostgreSQL is not answering on $PGHOST:$PGPORT; starting the local cluster"
  if ! command -v pg_ctlcluster >/dev/null; then
    say "pg_ctlcluster not found: install PostgreSQL (apt-get install postgresql) or point DATABASE_URL at a server"; exit 1
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for "$PGHOST" "$PGPORT" PostgreSQL
fi

if ! port_open "$RHOST" "$RPORT"; then
  say "Redis is not answering on $RHOST:$RPORT; starting redis-server"
  if ! command -v redis-server >/dev/null; then
    say "redis-server not found: install Redis (apt-get install redis-server) or point REDIS_URL at a server"; exit 1
  fi
  redis-server --daemonize yes --bind 127.0.0.1 --port "$RPORT" --save "" --appendonly no
  wait_for "$RHOST" "$RPORT" Redis
fi

# Create the database when it does not exist yet (PostgreSQL may still be finishing recovery).
for _ in $(seq 1 30); do
  if exists=$(psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc "select 1 from pg_database where datname = '$PGDB'" 2>/dev/null); then
    if [ "$exists" != "1" ]; then
      say "creating database $PGDB"
      psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qc "create database \"$PGDB\"" >/dev/null
    fi
    exit 0
  fi
  sleep 0.5
done
say "PostgreSQL on $PGHOST:$PGPORT does not accept connections as $PGUSER"; exit 1
