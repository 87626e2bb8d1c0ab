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
