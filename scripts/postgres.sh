#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server for the tests, on a private port and socket
# folder, as the unprivileged "postgres" user. Installs Debian's postgresql when it is missing.
#   scripts/postgres.sh start DIR PORT   # prints the admin URL on stdout
#   scripts/postgres.sh halt DIR         # stop abruptly, keep the data (a crash)
#   scripts/postgres.sh resume DIR       # start it again after halt
#   scripts/postgres.sh stop DIR
set -euo pipefail

action=${1:?start or stop}
dir=${2:?data folder}

find_bin() {
  for candidate in /usr/lib/postgresql/*/bin; do
    if [ -x "$candidate/pg_ctl" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$action" in
  start)
    port=${3:?port}
    if ! bin=$(find_bin); then
      echo "installing PostgreSQL (Debian package postgresql)..." >&2
      export DEBIAN_FRONTEND=noninteractive
      sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
      $sudo_cmd apt-get update -qq >&2
      for attempt in 1 2 3; do
        $sudo_cmd apt-get install -y -qq postgresql >&2 && break
        echo "apt-get install failed (attempt $attempt); retrying" >&2
        sleep 3
      done
      bin=$(find_bin)
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
    options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    echo "$options" > "$dir/options"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >&2
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  halt)
    # Stops the server abruptly (as a crash would) and keeps its data, for `resume`.
    bin=$(find_bin)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2
    ;;
  resume)
    bin=$(find_bin)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >&2
    ;;
  stop)
    if bin=$(find_bin) && [ -d "$dir/data" ]; then
      as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR PORT | halt DIR | resume DIR | stop DIR" >&2
    exit 2
    ;;
esac
