#!/usr/bin/env bash
# API fuzzing (issue 10): Schemathesis against the served /api/v1/openapi.json, once per role.
#
# For each database (SQLite always; PostgreSQL too when TEST_POSTGRES_URL is set, in a throw-away
# database created and dropped here) it starts a fresh `concours serve --demo` on a free port in
# a temporary folder, signs in one account per role, and runs Schemathesis with a bounded number
# of examples per operation as: anonymous, innovator, juror, brand member, admin. Exits non-zero
# when any run finds a failure or when the server logged a panic; stops the servers it started
# in all cases.
#
#   scripts/schemathesis.sh                 # both databases when TEST_POSTGRES_URL is set
#   ST_BACKENDS=sqlite scripts/schemathesis.sh
#   ST_MAX_EXAMPLES=50 ST_SEED=7 scripts/schemathesis.sh   # a longer or reproducible run
#
# Schemathesis (PyPI, pinned below) goes into its own virtualenv ($ST_VENV) when missing, so it
# never disturbs the system's Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

ST_VERSION=4.32.5   # 4.x CLI: `schemathesis run URL --checks ... -n N`; works on Python 3.11
ST_VENV=${ST_VENV:-$HOME/.cache/concours-schemathesis}
ST_BACKENDS=${ST_BACKENDS:-sqlite${TEST_POSTGRES_URL:+ postgres}}
# Examples per operation and phase. The whole script takes about 3 to 4 minutes on 2 idle cores
# with the defaults (SQLite 10, PostgreSQL 3: PostgreSQL is there for what differs by backend,
# text and type errors from the database, not to repeat the same generation at length).
ST_MAX_EXAMPLES=${ST_MAX_EXAMPLES:-10}
ST_MAX_EXAMPLES_PG=${ST_MAX_EXAMPLES_PG:-3}
ST_SEED=${ST_SEED:-}

# What every response is checked for ("invalid data is refused" is negative_data_rejection).
# Left out, on purpose:
# - positive_data_acceptance: the request schemas are looser than the validation behind them
#   (the rules document, email syntax, date order, non-empty names are checked by the domain
#   and answered 422 with every field at once, as API.md says); it would flag each of those 422s.
# - unsupported_method: an unknown method on a known path is answered 404 `not_found` by the
#   router rather than 405 with Allow; reported, not a safety issue. Add it back once it is 405.
# Replaced, on purpose:
# - use_after_free by use_after_free_unless_withdrawn (tests/support/schemathesis_hooks.py):
#   `DELETE /api/v1/ideas/{id}` withdraws an idea (API.md), which its author still reads as
#   `withdrawn`; every other read after a successful DELETE is checked as before.
ST_CHECKS=${ST_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,missing_required_header,ignored_auth,use_after_free_unless_withdrawn,ensure_resource_availability}

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/concours-target}"
# (Not CONCOURS_BIN: Concours reads every CONCOURS_* variable as a setting and refuses unknown ones.)
bin=${ST_CONCOURS_BIN:-$CARGO_TARGET_DIR/debug/concours}

log() { echo "== schemathesis: $*"; }

# --- Schemathesis, installed when missing -----------------------------------------------------
st="$ST_VENV/bin/schemathesis"
if ! "$st" --version 2>/dev/null | grep -q "version $ST_VERSION\$"; then
  log "installing schemathesis $ST_VERSION (PyPI) into $ST_VENV"
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi
"$st" --version

if [ -z "${ST_CONCOURS_BIN:-}" ]; then
  log "building concours"
  cargo build --quiet --locked --bin concours
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

work=$(mktemp -d /tmp/concours-schemathesis.XXXXXX)
server_pid=""
st_pid=""
pg_db=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
drop_pg_db() {
  if [ -n "$pg_db" ]; then
    psql -q "$TEST_POSTGRES_URL" -c "drop database if exists \"$pg_db\" with (force)" >/dev/null 2>&1 || true
    pg_db=""
  fi
}
cleanup() {
  if [ -n "$st_pid" ]; then
    pkill -TERM -P "$st_pid" 2>/dev/null || true   # the children of our own subshell only
    kill "$st_pid" 2>/dev/null || true
    wait "$st_pid" 2>/dev/null || true
  fi
  stop_server
  drop_pg_db
  if [ "${ST_KEEP:-}" = 1 ]; then echo "schemathesis: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failed=()
passed=0

# run_st NAME MAX_EXAMPLES [extra schemathesis arguments...]: one Schemathesis run, output to
# $dir/NAME.txt (printed when it fails).
run_st() {
  local name=$1 examples=$2; shift 2
  local out="$dir/$name.txt" started=$SECONDS
  local seed_args=()
  [ -n "$ST_SEED" ] && seed_args=(--seed "$ST_SEED")
  # From $dir, so that nothing (Hypothesis' folder, reports) lands in the work tree. In the
  # background with `wait`, so that an INT or TERM stops the run at once (bash runs traps only
  # between foreground commands).
  (cd "$dir" && PYTHONPATH="$root/tests/support${PYTHONPATH:+:$PYTHONPATH}" \
     SCHEMATHESIS_HOOKS=schemathesis_hooks CONCOURS_ST_FIXTURES="$dir/fixtures.json" \
     timeout 600 "$st" run "$base/api/v1/openapi.json" \
       --checks "$ST_CHECKS" --max-examples "$examples" --workers 2 \
       --request-timeout 30 --no-color --generation-database none \
       --report junit --report-junit-path "$dir/$name.junit.xml" \
       "${seed_args[@]}" "$@") >"$out" 2>&1 &
  st_pid=$!
  if wait "$st_pid"; then
    st_pid=""
    passed=$((passed + 1))
    log "$name: passed ($((SECONDS - started))s; $(grep -E '^  [0-9]+ generated' "$out" | sed 's/^ *//'))"
  else
    st_pid=""
    # Schemathesis' own generator can break (Python 3.11's "AST constructor recursion depth
    # mismatch" inside Hypothesis): a crash of the tool, not an answer of ours. Such a run, with
    # no failure of ours in it, is shown and run once more; anything else fails.
    if [ -z "${ST_RETRIED:-}" ] && grep -q '^Runtime Error' "$out"         && grep -q 'site-packages/hypothesis/' "$out" && ! grep -q '= FAILURES =' "$out"; then
      log "$name: schemathesis itself broke (its report below); running it once more"
      cat "$out"
      ST_RETRIED=1 run_st "$name" "$examples" "$@"
      return
    fi
    failed+=("$name")
    log "$name: FAILED ($((SECONDS - started))s); its report:"
    cat "$out"
  fi
}

for backend in $ST_BACKENDS; do
  dir="$work/$backend"
  mkdir -p "$dir"
  case "$backend" in
    sqlite) db_url="sqlite://$dir/data/concours.db"; examples=$ST_MAX_EXAMPLES ;;
    postgres)
      pg_db="concours_st_$$_$RANDOM"
      psql -q "$TEST_POSTGRES_URL" -c "create database \"$pg_db\"" >/dev/null
      db_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$TEST_POSTGRES_URL" "$pg_db")
      examples=$ST_MAX_EXAMPLES_PG ;;
    *) echo "unknown backend $backend (sqlite or postgres)" >&2; exit 2 ;;
  esac

  port=$(free_port)
  base="http://127.0.0.1:$port"
  log "$backend: starting concours serve --demo on $base"
  (
    cd "$dir"
    CONCOURS_SERVER__BIND="127.0.0.1:$port" CONCOURS_SERVER__PUBLIC_URL="$base" \
    CONCOURS_DATABASE__URL="$db_url" CONCOURS_STORAGE__DATA_DIR="$dir/data" \
    CONCOURS_MAIL__TRANSPORT=file CONCOURS_MAIL__FILE_DIR="$dir/mail" \
    RUST_LOG="${RUST_LOG:-info}" exec "$bin" serve --demo
  ) >"$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 600); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log"; echo "the server stopped" >&2; exit 1; }
    sleep 0.2
  done
  curl -fsS "$base/healthz" >/dev/null

  # Tokens per role and the ids the hooks put into paths (see the two files in tests/support).
  python3 tests/support/schemathesis_setup.py "$base" "$dir/mail" "$dir/fixtures.json"
  token() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])' "$dir/fixtures.json" "$@"; }

  # Anonymous: every operation, logout included (it can only answer 401 here).
  run_st "$backend-anonymous" "$examples"
  # Signed in: every operation but POST /auth/logout, which would revoke the run's own token and
  # turn the rest of the run into 401s; it gets its own short run below with a token of its own.
  # Order: the roles that only read or add come first; the admin (confirms fundings, marks
  # payouts paid) and the member (opens and awards contests) change the most, so they come last.
  for role in innovator juror member admin; do
    run_st "$backend-$role" "$examples" -H "Authorization: Bearer $(token tokens "$role")" \
      --exclude-path /api/v1/auth/logout
  done
  # POST /auth/logout signed in: the first case revokes the token (204), the rest get 401. The
  # route does the same for every role (it only revokes the caller's own session), so one role.
  run_st "$backend-logout" 3 -H "Authorization: Bearer $(token logout_tokens innovator)" \
    --include-path /api/v1/auth/logout

  stop_server
  # A panic is a crash even when actix turned it into a 500 (or a dropped connection).
  if grep -n "panicked at" "$dir/server.log"; then
    failed+=("$backend-server-panics")
    log "$backend: the server panicked (lines above, from $dir/server.log)"
  fi
  drop_pg_db
done

if [ ${#failed[@]} -gt 0 ]; then
  log "failed runs: ${failed[*]}"
fi
echo "schemathesis: ${passed} passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
