#!/usr/bin/env bash
# Runs fairq's whole test suite: sets up the machine, starts a throwaway PostgreSQL, lints, runs pytest.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/dispatcher -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
exec scripts/with-postgres.sh .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
