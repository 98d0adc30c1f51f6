#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the browser tests (tests/test_maps.py) and `eitgraph map --png`.
# Idempotent: does nothing when /usr/bin/chromium and /usr/bin/chromedriver are already there.
# Debian/Ubuntu with apt; run as root, or with sudo available.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "Chromium and chromedriver already installed: $(/usr/bin/chromium --version 2>/dev/null || true)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser.sh: apt-get not found; install Chromium and chromedriver (/usr/bin/chromium," \
         "/usr/bin/chromedriver) with your system's package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-browser.sh: run as root (or install sudo) to install chromium and chromium-driver" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium chromium-driver
/usr/bin/chromium --version
