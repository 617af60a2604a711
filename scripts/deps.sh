#!/usr/bin/env bash
# Installs what the tests need besides PostgreSQL (scripts/postgres.sh) when it is missing:
# Debian's Chromium and ChromeDriver for the browser tests, and aiosmtpd (PyPI) for the tests
# that talk to a real SMTP server. Idempotent; retries apt once it fails on a vanished folder.
set -euo pipefail

sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "installing chromium and chromium-driver (Debian)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq >&2 || true
  for attempt in 1 2 3; do
    $sudo_cmd apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2 && break
    echo "apt-get install failed (attempt $attempt); retrying" >&2
    sleep 3
  done
fi

if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  echo "installing aiosmtpd (PyPI)..." >&2
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd >&2 \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd >&2
fi
