#!/usr/bin/env bash
# Runs fairq's whole test suite: sets up the machine, starts a throwaway PostgreSQL, runs pytest, lints,
# and checks the layers (import contracts) and the types.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/dispatcher -x).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test || exit 1
export QT_QPA_PLATFORM=offscreen
# Two workers (FAIRQ_TEST_WORKERS=0 for one process): most tests wait on servers, sockets and windows, so two
# overlap well on CI's two cores; --dist loadfile keeps each file's tests (and its fixtures) in one worker.
# --max-worker-restart 0: a worker that crashes ends the run, naming its test (a replaced worker can hang xdist
# under loadfile, pytest-xdist#784).
workers=${FAIRQ_TEST_WORKERS:-2}
parallel=()
[ "$workers" != 0 ] && parallel=(-n "$workers" --dist loadfile --max-worker-restart 0)
# A run that hangs is stopped (and fails, saying so) long before CI's own limit would end it silently.
limit=${FAIRQ_TEST_LIMIT:-40m}
scripts/with-postgres.sh timeout -k 30 "$limit" \
  .venv/bin/python -m pytest -q -p no:cacheprovider --durations=30 "${parallel[@]}" "$@"
tests=$?
[ $tests -eq 124 ] && echo "test: pytest did not finish within $limit and was stopped" >&2
.venv/bin/ruff check --quiet . && .venv/bin/ruff format --check --quiet . 
lint=$?
[ $lint -eq 0 ] || echo "test: ruff found problems (see above)" >&2
scripts/check-rooms.sh
rooms=$?
# pytest exits 5 when it collected no test: that is a failure here too.
[ $tests -eq 0 ] && [ $lint -eq 0 ] && [ $rooms -eq 0 ]
