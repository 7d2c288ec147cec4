#!/usr/bin/env bash
# Makes sure what the tests rely on is installed and running: PostgreSQL, Redis, and the Debian
# tools some tests drive (ledger-cli, chromium). Installs from Debian packages when missing.
# Safe to run again and again; quiet when everything is already there.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    $SUDO apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

need_cmd() { # need_cmd <command> <debian package>
  command -v "$1" >/dev/null 2>&1 || { echo "installing $2"; apt_install "$2"; }
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

# PostgreSQL: never by loosening an existing server's authentication (see ensure-postgres.sh)
bash "$(dirname "$0")/ensure-postgres.sh"

# Redis
if ! redis_up; then
  command -v redis-server >/dev/null 2>&1 || { echo "installing redis-server"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis did not start" >&2; exit 1; }
fi

# Tools that tests drive
need_cmd redis-server redis-server
need_cmd ledger ledger
need_cmd chromium chromium
# Fonts so that Thai, Khmer and Burmese render in the status page's browser screenshots.
if ! fc-list 2>/dev/null | grep -qi "padauk"; then
  echo "installing fonts for Thai, Khmer and Burmese"
  apt_install fonts-thai-tlwg-ttf fonts-khmeros fonts-sil-padauk || echo "fonts not installed (screenshots only)" >&2
fi
exit 0
