#!/usr/bin/env bash
# Installs what fairq needs on a fresh Debian machine (run as root): Debian packages, then a local .venv.
# Usage: scripts/bootstrap.sh [run|test]   ("test" adds PostgreSQL and the test tools)
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-run}
debs=(python3 python3-venv python3-pip
      libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libpulse0
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-render-util0
      libxcb-image0 libxcb-xinerama0 libxcb-randr0
      fonts-wqy-microhei xvfb xdotool x11-apps imagemagick espeak-ng sox)
if [ "$want" = test ]; then
  debs+=(postgresql systemd pulseaudio)  # systemd-analyze verifies the units; pulseaudio: a sound server for `fairq doctor`'s audio check
  debs+=(chromium chromium-driver)  # the console's browser tests (tests/console, Selenium)
fi

missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A python3 >= 3.11 with venv; prefer the one on PATH.
py=python3
"$py" -c 'import sys; assert sys.version_info >= (3, 11)' || { echo "bootstrap: need Python 3.11 or newer" >&2; exit 1; }

# Exactly the locked versions (requirements*.txt, made by scripts/lock.sh), checked against their hashes;
# then fairq itself without dependencies, and a check that the venv holds the lock and nothing else.
lock=requirements.txt
[ "$want" = test ] && lock=requirements-test.txt
stamp=.venv/.fairq-installed-$want
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  echo "bootstrap: installing the locked Python packages ($lock) into .venv"
  quiet=(-q --disable-pip-version-check)
  .venv/bin/pip install "${quiet[@]}" --require-hashes -r "$lock" 2> >(grep -v "is ignored: it is neither" >&2)
  .venv/bin/pip install "${quiet[@]}" --no-deps -e . 2> >(grep -v "is ignored: it is neither" >&2)
  .venv/bin/python scripts/check_lock.py --prune "$lock"
  touch "$stamp"
fi
