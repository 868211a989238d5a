#!/usr/bin/env bash
# Runs the VssId Host (API + worker) in Development on http://localhost:8080, Swagger UI at /swagger.
# On a fresh Debian/Ubuntu machine with the .NET 10 SDK it installs what is missing first.
# Without ConnectionStrings__Postgres it uses the embedded default database under .data/postgres.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

require_dotnet
ensure_postgres

HOST_DLL=src/Host/bin/Release/net10.0/VssId.Host.dll
# Build only when a source or project file changed since the last build: later runs start at once.
if [ ! -f "$HOST_DLL" ] || [ -n "$(find src Directory.Build.props Directory.Packages.props global.json -newer "$HOST_DLL" -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name '*.csv' \) -print -quit)" ]; then
  echo "==> dotnet build (Release)"
  dotnet build src/Host/VssId.Host.csproj -c Release -nologo -v quiet -clp:NoSummary
fi

# The cluster runs as the postgres user, which must be able to reach .data/. A checkout inside a
# private home (e.g. /root, mode 0700) is out of its reach: keep the cluster under /var/tmp instead.
if [ -z "${ConnectionStrings__Postgres:-}" ] && [ "$(id -u)" -eq 0 ] && [ -z "${EmbeddedDatabase__DataDirectory:-}" ]; then
  if ! runuser -u postgres -- test -x "$PWD"; then
    export EmbeddedDatabase__DataDirectory="/var/tmp/vssid-$(echo "$PWD" | md5sum | cut -c1-8)/postgres"
    echo "==> $PWD is private to root; the embedded cluster lives in $EmbeddedDatabase__DataDirectory"
  fi
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
echo "==> VssId on http://localhost:8080 (Swagger UI: http://localhost:8080/swagger)"
cd src/Host
exec dotnet bin/Release/net10.0/VssId.Host.dll "$@"
