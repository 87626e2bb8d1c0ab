#!/usr/bin/env bash
# Runs a command with a private, throwaway PostgreSQL cluster on a free loopback port.
# The command sees FAIRQ_TEST_PG_URL; the cluster is removed when it ends. Needs root (uses su postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
  echo "with-postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
pgdir=$(mktemp -d /tmp/fairq-pg.XXXXXX)
cleanup() {
  su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
chown postgres "$pgdir"
pgport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
su postgres -s /bin/sh -c "$pgbin/initdb -D $pgdir/data -A trust -U postgres >/dev/null"
su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -l $pgdir/log -w \
  -o '-h 127.0.0.1 -p $pgport -k $pgdir -c max_connections=300' start >/dev/null"
export FAIRQ_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$pgport/postgres"
echo "with-postgres: PostgreSQL on 127.0.0.1:$pgport" >&2
"$@"
