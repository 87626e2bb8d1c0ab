#!/usr/bin/env bash
# Checks the layers and the types: import-linter's contracts and mypy, both configured in pyproject.toml.
# Fails on any broken contract or type error; scripts/test.sh runs it after the tests.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
.venv/bin/lint-imports --no-cache >"$out" 2>&1
contracts=$?
[ $contracts -eq 0 ] || { cat "$out"; echo "test: an import contract is broken (see above)" >&2; }
rm -f "$out"
.venv/bin/mypy --no-error-summary
types=$?
[ $types -eq 0 ] || echo "test: mypy found type errors (see above)" >&2
[ $contracts -eq 0 ] && [ $types -eq 0 ]
