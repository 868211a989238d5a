#!/usr/bin/env bash
# One command, prints its figures: bench/run.sh [seconds of PDF rendering, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
require_dotnet
ensure_postgres
dotnet run -c Release --project bench/VssId.Bench -- "$@"
