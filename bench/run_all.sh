#!/usr/bin/env bash
# Runs every benchmark at its small default size; each prints one JSON line.
# PostgreSQL numbers need a server: scripts/with-postgres.sh bench/run_all.sh
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
$py -m bench.issue_throughput
$py -m bench.call_latency
$py -m bench.reconnect_storm
$py -m bench.qt_startup
if [ -n "${FAIRQ_TEST_PG_URL:-}" ]; then $py -m bench.failover; fi
$py -m bench.fairness --seeds 4
# the district: scaled to this machine (see --help; --full for the issue's 500/100/10); FAIRQ_BENCH_BEFORE=TREE adds
# a "before" column from another checkout (git worktree add /tmp/fairq-old OLD_COMMIT)
$py -m bench.district ${FAIRQ_BENCH_BEFORE:+--before "$FAIRQ_BENCH_BEFORE"}
# a day report of >= 11,500 tickets: seconds and MB; FAIRQ_BENCH_BEFORE=TREE adds the "before" column on the same day
$py -m bench.day_report ${FAIRQ_BENCH_BEFORE:+--before "$FAIRQ_BENCH_BEFORE"}
