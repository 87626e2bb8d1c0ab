#!/usr/bin/env bash
# Runs the whole hall on this machine: dispatcher (SQLite), kiosk, two counters and a hall display,
# with simulated printer, keypads, LED displays and evaluators. Extra arguments go to `fairq demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh run
exec .venv/bin/fairq demo "$@"
