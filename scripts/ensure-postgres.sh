#!/usr/bin/env bash
# Makes sure the tests have a PostgreSQL they may use as superuser, without weakening the
# authentication of a PostgreSQL already on the machine (pg_hba.conf is never edited):
#
#   1. installs the Debian `postgresql` package when its programs are missing, and starts the
#      installed cluster when nothing answers on 127.0.0.1:5432;
#   2. when `postgres@127.0.0.1:5432` (or $TEST_DATABASE_URL) accepts a password-less connection,
#      the tests use it, as before;
#   3. otherwise it starts a private cluster of its own (initdb in $REDRESS_TEST_PG_DIR), listening
#      on no TCP port, only on a Unix socket in a directory only its owner may enter, and writes
#      that cluster's URL to $REDRESS_TEST_URL_FILE, which test/helpers/pg-admin.ts reads.
#
# `ensure-postgres.sh --stop` stops the private cluster. Run by scripts/ensure-services.sh.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
default_url="postgres://postgres@127.0.0.1:5432/postgres"
probe_url="${REDRESS_PG_PROBE_URL:-${TEST_DATABASE_URL:-$default_url}}"
url_file="${REDRESS_TEST_URL_FILE:-$repo/.test-database-url}"
is_root=0
if [ "$(id -u)" -eq 0 ]; then is_root=1; fi
if [ "$is_root" -eq 1 ]; then
  # initdb refuses to run as root: the cluster belongs to the `postgres` system user.
  private_dir="${REDRESS_TEST_PG_DIR:-/var/lib/redress-test-postgres}"
else
  private_dir="${REDRESS_TEST_PG_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/redress-test-postgres}"
fi
SUDO=""
if [ "$is_root" -eq 0 ]; then SUDO="sudo"; fi

pg_bin() { # the newest installed server's programs, else whatever is on PATH
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$dir" ]; then echo "$dir"; else dirname "$(command -v initdb 2>/dev/null || echo /usr/bin/initdb)"; fi
}

as_owner() { # runs a server program as the private cluster's owner
  if [ "$is_root" -eq 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

accepts() { # accepts <url>: a query runs there with no password asked
  PGCONNECT_TIMEOUT=5 "$(pg_bin)/psql" "$1" -XAtqw -c 'select 1' >/dev/null 2>&1
}

private_url() { echo "postgres://postgres@localhost/postgres?host=$(printf %s "$private_dir/socket" | sed 's|/|%2F|g')"; }

stop_private() {
  if [ -f "$private_dir/data/postmaster.pid" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$private_dir/data" -m fast -w stop >/dev/null
  fi
}

start_private() {
  local bin
  bin="$(pg_bin)"
  if [ ! -f "$private_dir/data/PG_VERSION" ]; then
    echo "starting a private PostgreSQL for the tests in $private_dir (socket only, no TCP port)"
    mkdir -p "$private_dir/data" "$private_dir/socket"
    if [ "$is_root" -eq 1 ]; then chown -R postgres:postgres "$private_dir"; fi
    chmod 700 "$private_dir" "$private_dir/data" "$private_dir/socket"
    # trust is safe here: the only way in is a socket in a directory only the owner can enter
    as_owner "$bin/initdb" -D "$private_dir/data" -U postgres --auth=trust -E UTF8 --no-instructions >/dev/null
  fi
  if ! accepts "$(private_url)"; then
    as_owner "$bin/pg_ctl" -D "$private_dir/data" -l "$private_dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$private_dir/socket' -c max_connections=300 -c fsync=off" \
      start >/dev/null
  fi
  accepts "$(private_url)" || {
    echo "the private PostgreSQL did not start; see $private_dir/server.log" >&2
    exit 1
  }
  private_url >"$url_file"
}

# The old pre-step prepended trust lines tagged `# redress-tests` to pg_hba.conf: take them out.
remove_old_trust_lines() {
  local hba
  for hba in /etc/postgresql/*/*/pg_hba.conf; do
    [ -f "$hba" ] || continue
    if grep -q '# redress-tests$' "$hba"; then
      echo "removing the trust lines an earlier test pre-step added to $hba (copy in $hba.redress-backup)"
      $SUDO cp -p "$hba" "$hba.redress-backup"
      $SUDO sed -i '/# redress-tests$/d' "$hba"
      local version cluster
      version=$(basename "$(dirname "$(dirname "$hba")")")
      cluster=$(basename "$(dirname "$hba")")
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" reload 2>/dev/null || true
    fi
  done
}

if [ "${1:-}" = "--stop" ]; then
  stop_private
  exit 0
fi

if [ ! -x "$(pg_bin)/initdb" ] || [ ! -x "$(pg_bin)/psql" ]; then
  echo "installing postgresql"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi

remove_old_trust_lines

if ! "$(pg_bin)/pg_isready" -h 127.0.0.1 -p 5432 -q 2>/dev/null && command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1 || true)
  if [ -n "$version" ]; then
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    for _ in $(seq 1 30); do "$(pg_bin)/pg_isready" -h 127.0.0.1 -p 5432 -q 2>/dev/null && break; sleep 1; done
  fi
fi

if accepts "$probe_url"; then
  rm -f "$url_file"
  exit 0
fi
if [ -n "${TEST_DATABASE_URL:-}" ] && [ -z "${REDRESS_PG_PROBE_URL:-}" ]; then
  echo "TEST_DATABASE_URL does not accept a connection without a password prompt" >&2
  exit 1
fi
start_private
