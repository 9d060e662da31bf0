#!/usr/bin/env bash
#
# Runs every test: the unit tests, then the integration tests against the built distribution.
# The engine's tests drive the real psql client and compare answers with a real PostgreSQL server;
# both are installed here when missing (Debian or Ubuntu, as root or with sudo), since nothing
# installed by hand may be relied on.
set -euo pipefail
cd "$(dirname "$0")/.."

# psql for the engine's client tests; the PostgreSQL server (Debian's postgresql) as the referee
# of the differential SQL suite, which starts its own throw-away cluster on loopback.
need=()
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
# iproute2's ip for the fault suite's network namespaces (it runs as root only)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
# Debian's Python clients, which the engine's client tests drive unmodified
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import psycopg2, sqlalchemy, pandas' >/dev/null 2>&1 ||
  need+=(python3 python3-psycopg2 python3-sqlalchemy python3-pandas)
# node and npm for node-postgres, which the test installs from its lock file with npm ci
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "[citadel] installing ${need[*]}" >&2
  sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "[citadel] need root or sudo to install ${need[*]}" >&2; exit 1; }
    sudo_cmd="sudo"
  fi
  command -v apt-get >/dev/null || { echo "[citadel] install ${need[*]} first" >&2; exit 1; }
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get update -qq
  # the package's own cluster is not wanted: the tests make theirs
  $sudo_cmd mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $sudo_cmd tee /etc/postgresql-common/createcluster.d/citadel.conf >/dev/null
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq "${need[@]}" >/dev/null
fi

exec mvn -B -ntp install "$@"
