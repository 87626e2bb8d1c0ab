#!/usr/bin/env bash
# Runs fairq's whole test suite: sets up the machine, starts a throwaway PostgreSQL, lints, runs pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/dispatcher -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test

# A private PostgreSQL cluster on a free loopback port, removed on exit.
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pgdir=$(mktemp -d /tmp/fairq-pg.XXXXXX)
cleanup() {
  [ -n "${pgbin:-}" ] && su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
if [ -n "$pgbin" ]; then
  chown postgres "$pgdir"
  pgport=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  su postgres -s /bin/sh -c "$pgbin/initdb -D $pgdir/data -A trust -U postgres >/dev/null"
  su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdir/data -l $pgdir/log -w -o '-h 127.0.0.1 -p $pgport -k $pgdir -c fsync=off' start >/dev/null"
  export FAIRQ_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$pgport/postgres"
  echo "test: PostgreSQL on 127.0.0.1:$pgport"
else
  echo "test: PostgreSQL not found; the postgres tests will fail" >&2
fi

export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
