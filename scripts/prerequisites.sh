#!/usr/bin/env bash
# Shared by run.sh and test.sh: installs what is missing on a Debian/Ubuntu machine that has only the
# .NET SDK. Sourced, not run.

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Not root and no sudo: install the packages below by hand." >&2
  fi
fi

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing: $*. This is not a Debian/Ubuntu machine: install them with your package manager." >&2
    exit 1
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    echo "==> apt-get update"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  echo "==> apt-get install $*"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required (https://dotnet.microsoft.com/download); it is the one prerequisite." >&2
    exit 1
  fi
}

postgres_bin() {
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return 0; fi
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
  return 1
}

# The PostgreSQL server binaries (initdb, pg_ctl, postgres). The Host and the tests start private
# clusters from them; no system-wide cluster is created or started.
ensure_postgres() {
  # As root, the private clusters run as the postgres user through runuser.
  if [ "$(id -u)" -eq 0 ]; then ensure_tool runuser util-linux; fi
  if postgres_bin >/dev/null; then return 0; fi
  if [ ! -f /etc/postgresql-common/createcluster.conf ]; then
    $SUDO mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  apt_install postgresql
  postgres_bin >/dev/null || { echo "PostgreSQL was installed but initdb was not found." >&2; exit 1; }
}

# A command from a Debian package, installed when missing: ensure_tool COMMAND PACKAGE
ensure_tool() {
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
}
