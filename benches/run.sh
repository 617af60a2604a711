#!/usr/bin/env bash
# The benchmarks of issue 9: builds Concours in release mode, starts `concours serve` on fresh
# databases, loads it over loopback with wrk, and stops everything by itself.
#
#   benches/run.sh                         # SQLite, every scenario (a few minutes)
#   benches/run.sh --postgres              # the same on a throw-away PostgreSQL server as well
#   BENCH_POSTGRES_URL=postgres://u@h:p/db benches/run.sh   # ... on an existing server
#   benches/run.sh --scenarios pages,rush  # only some: startup,pages,rush,mail,jury,award
#   benches/run.sh --duration 15           # seconds of load per wrk run (10 by default)
#
# Other options are passed to benches/bench.py (see `python3 benches/bench.py --help`).
# Results: benches/results/<scenario>.json (and <scenario>-postgres.json); BENCHMARKS.md holds
# the latest figures. Needs wrk (installed with apt-get when missing), python3 and aiosmtpd
# (installed with pip when missing).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

postgres=0
results=benches/results
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) postgres=1 ;;
    --results) results=$2; args+=("$1" "$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/concours-bench-target}

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)..." >&2
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >&2 \
    || { $sudo_cmd apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >&2; }
fi
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  echo "installing aiosmtpd (PyPI)..." >&2
  python3 -m pip install --quiet aiosmtpd >&2
fi

echo "building concours (release) into $CARGO_TARGET_DIR..." >&2
cargo build --release --quiet --bin concours
binary="$CARGO_TARGET_DIR/release/concours"

# Everything this script starts is stopped on exit, whatever happens.
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then scripts/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tmp_machine=$(mktemp)
{
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -m | awk '/Mem:/{print $2}') MiB"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (with uncommitted changes in src/)')"
  echo "rustc: $(rustc --version)"
  echo "wrk: $(wrk --version 2>&1 | head -1)"
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine competes for the cores)"
} >"$tmp_machine"
cat "$tmp_machine" >&2
mkdir -p "$results"
mv "$tmp_machine" "$results/machine.txt"

python3 benches/bench.py --binary "$binary" "${args[@]}"

pg_url=${BENCH_POSTGRES_URL:-}
if [ "$postgres" = 1 ] && [ -z "$pg_url" ]; then
  pg_dir=$(mktemp -d /tmp/concours-bench-pg.XXXXXX)
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  pg_url=$(scripts/postgres.sh start "$pg_dir" "$port")
fi
if [ -n "$pg_url" ]; then
  python3 benches/bench.py --binary "$binary" --postgres-url "$pg_url" "${args[@]}"
fi

python3 benches/report.py "$results"
