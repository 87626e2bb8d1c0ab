#!/usr/bin/env bash
# Refreshes the lock files from pyproject.toml: requirements.txt (running) and requirements-test.txt
# (running + tests), every package pinned with its hashes. Pins already in the files are kept; only
# what pyproject.toml changed is resolved anew, so rerunning after adding a dependency is quick and
# changes nothing else. `scripts/lock.sh --upgrade` moves every package to the newest allowed
# release (a conscious step: run scripts/test-latest.sh first, then the tests on the new lock).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.8
tools=.venv-lock
if [ ! -x "$tools/bin/uv" ] || [ "$("$tools/bin/uv" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION"
fi

# The lock is for the machines fairq runs on: Debian 12 (glibc 2.36), x86_64, its Python 3.11.
common=(--quiet --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_36
        --annotation-style line)
# --upgrade: every package to the newest allowed release; --upgrade-package NAME: that one only.
case "${1:-}" in
  --upgrade) common+=(--upgrade) ;;
  --upgrade-package) common+=(--upgrade-package "$2") ;;
esac
export UV_CACHE_DIR=${UV_CACHE_DIR:-$PWD/$tools/cache}

"$tools/bin/uv" pip compile "${common[@]}" pyproject.toml -o requirements.txt
# The test lock holds the running lock's versions, so tests run what a hall runs.
"$tools/bin/uv" pip compile "${common[@]}" --extra test --constraint requirements.txt pyproject.toml \
  -o requirements-test.txt
echo "lock: requirements.txt $(grep -c '==' requirements.txt) packages, requirements-test.txt $(grep -c '==' requirements-test.txt)"
