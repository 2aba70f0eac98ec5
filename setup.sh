#!/usr/bin/env bash
# Set up the kiosk on a fresh Debian/Ubuntu machine with Python 3.11, then run it or its tests.
#   ./setup.sh run [kiosk run options]   set up, then start the kiosk (museum pack)
#   ./setup.sh test [pytest options]     set up, then run the whole test suite
#   ./setup.sh                           set up only
# Installs the apt packages it needs (espeak-ng, sox, Qt's xcb libraries, Xvfb, CJK fonts) and a
# virtual environment at .venv/ with CPU-only torch. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  espeak-ng libespeak-ng1 sox libsox-fmt-all
  xvfb xauth x11-utils
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxcb-shm0
  libegl1 libgl1 libgl1-mesa-dri libglx-mesa0 libopengl0 libglib2.0-0 libfontconfig1 libdbus-1-3
  libxrender1 libxi6 libxrandr2 libxtst6 libnss3 libxkbfile1
  libportaudio2 libsndfile1 libasound2 libpulse0
  fonts-noto-cjk binutils
  nsis
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing apt packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_venv() {
  local py=${PYTHON:-python3.11}
  command -v "$py" >/dev/null || py=python3
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  local stamp; stamp=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ "$(cat .venv/.kiosk-stamp 2>/dev/null)" != "$stamp" ]; then
    echo "setup: installing Python packages into .venv (CPU-only torch)"
    .venv/bin/python -m pip install -q --upgrade pip setuptools wheel
    # torch first and pinned, so nothing pulls a CUDA build
    .venv/bin/python -m pip install -q "torch==2.13.0"
    .venv/bin/python -m pip install -q -e ".[test,package]"
    echo "$stamp" > .venv/.kiosk-stamp
  fi
}

has_display() { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }

install_apt
install_venv

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  run)
    if has_display; then
      exec .venv/bin/kiosk run --windowed "$@"
    fi
    echo "setup: no display found; talking to the guide in this terminal instead (type a question, Ctrl-D ends)."
    exec .venv/bin/kiosk chat "$@"
    ;;
  test)
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    status=0
    if has_display; then
      .venv/bin/python -m pytest "$@" || status=$?
    else
      xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX" .venv/bin/python -m pytest "$@" || status=$?
    fi
    [ "$status" -eq 5 ] && { echo "setup: pytest collected no tests"; exit 1; }
    exit "$status"
    ;;
  "") echo "setup: done. Start the kiosk with .venv/bin/kiosk run --windowed" ;;
  *) echo "usage: ./setup.sh [run|test] [options]" >&2; exit 2 ;;
esac
