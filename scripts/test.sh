#!/usr/bin/env bash
# The whole test suite, on a machine that has nothing but the Rust toolchain: installs and
# starts what the tests need (a PostgreSQL server, Chromium and ChromeDriver from Debian's
# packages, aiosmtpd from PyPI, each when missing), runs
# every test on SQLite and on PostgreSQL, and tears it all down. Extra arguments go to
# `cargo test` (e.g. scripts/test.sh accounts).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/concours-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

pg_dir=$(mktemp -d /tmp/concours-test-pg.XXXXXX)
cleanup() { scripts/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true; }
trap cleanup EXIT INT TERM

echo "== installing what the tests need (Chromium, ChromeDriver, aiosmtpd) when missing"
scripts/deps.sh

echo "== starting PostgreSQL for the tests"
TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pg_dir" "$(free_port)")
export TEST_POSTGRES_URL
# Here the PostgreSQL half must run: without a URL its tests fail instead of skipping (a bare
# `cargo test` skips them).
export REQUIRE_POSTGRES=1

echo "== building"
cargo build --all-targets --locked

echo "== running the tests (SQLite and PostgreSQL; the browser tests in headless Chromium)"
log="$pg_dir.log"
status=0
cargo test --locked --lib --bins --tests "$@" -- --test-threads "${TEST_THREADS:-4}" 2>&1 | tee "$log" || status=1

# The whole suite (no filter given) also fuzzes the API and the parsers, briefly.
extras=""
if [ "$#" -eq 0 ]; then
  echo "== API fuzzing: schemathesis against the served OpenAPI document, one token per role"
  if ST_CONCOURS_BIN="$CARGO_TARGET_DIR/debug/concours" scripts/schemathesis.sh; then
    extras="$extras, schemathesis passed"
  else
    extras="$extras, schemathesis FAILED"; status=1
  fi
  # Opt-in (FUZZ_SECONDS=15 scripts/test.sh): the instrumented build of the fuzz targets costs
  # several minutes on a fresh machine.
  if [ -x scripts/fuzz.sh ] && [ -n "${FUZZ_SECONDS:-}" ]; then
    echo "== input fuzzing: a short cargo-fuzz run of every target, and the saved regressions"
    if scripts/fuzz.sh "${FUZZ_SECONDS:-15}"; then
      extras="$extras, fuzzing passed"
    else
      extras="$extras, fuzzing FAILED"; status=1
    fi
  fi
fi

# One closing line for the whole run, summed over the test binaries.
awk -v extras="$extras" '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed%s\n", p, f, extras }' "$log"
rm -f "$log"
exit "$status"
