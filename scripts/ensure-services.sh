#!/usr/bin/env bash
# Makes sure what the tests rely on is installed and running: PostgreSQL, Redis, and the Debian
# tools some tests drive (ledger-cli, hledger, chromium). Installs from Debian packages when missing.
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

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

# PostgreSQL
if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing postgresql"
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -n | tail -1)
  # Trust auth on loopback for the local test user, as on the project's machines.
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q "redress-tests" "$hba" 2>/dev/null; then
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust # redress-tests\nlocal all all trust # redress-tests' "$hba"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi

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
need_cmd hledger hledger
need_cmd chromium chromium
# Fonts so that Thai, Khmer and Burmese render in the status page's browser screenshots.
if ! fc-list 2>/dev/null | grep -qi "padauk"; then
  echo "installing fonts for Thai, Khmer and Burmese"
  apt_install fonts-thai-tlwg-ttf fonts-khmeros fonts-sil-padauk || echo "fonts not installed (screenshots only)" >&2
fi
exit 0
