#!/usr/bin/env bash
# Installs headless Chromium (Debian package `chromium`) for test/report/report-html.test.ts, which opens
# the HTML report in /usr/bin/chromium. Idempotent: does nothing when it is already installed.
# Usage: scripts/install-chromium.sh   (as root, or with sudo available; CI calls it from .ci/run)
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-chromium: need root (or sudo) to run apt-get" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: apt-get not found; install Chromium at /usr/bin/chromium by other means" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium

if [ ! -x /usr/bin/chromium ]; then
  echo "install-chromium: the chromium package installed, but /usr/bin/chromium is missing" >&2
  exit 1
fi
echo "install-chromium: $(/usr/bin/chromium --version 2>/dev/null)"
