#!/usr/bin/env bash
# Runs the tests against the newest releases pyproject.toml allows, in a venv of its own (.venv-latest),
# so the pinned .venv is never touched: an upgrade of the lock stays a conscious step.
# Usage: scripts/test-latest.sh [pytest args]   (default: the whole suite)
# It prints which packages the lock would move; when the tests pass, `scripts/lock.sh --upgrade` takes them.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=.venv-latest
rm -rf "$venv"
python3 -m venv "$venv" || exit 1
"$venv/bin/pip" install -q --disable-pip-version-check --upgrade --upgrade-strategy eager -e ".[test]" \
  2> >(grep -v "is ignored: it is neither" >&2) || exit 1
echo "test-latest: packages newer than requirements-test.txt:"
"$venv/bin/python" scripts/check_lock.py requirements-test.txt 2>&1 | grep "version:\|not in the lock\|missing" || echo "  (none)"
export QT_QPA_PLATFORM=offscreen FAIRQ_LATEST=1
scripts/with-postgres.sh "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
