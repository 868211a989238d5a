#!/usr/bin/env bash
# One command, prints its figures: bench/run.sh [seconds of PDF rendering, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
require_dotnet
ensure_postgres
# bench/run.sh [seconds]               → Mẫu 01 rendering and SMS latency
# bench/run.sh registration [seconds]  → start-application throughput against a bare baseline
# bench/run.sh approval [seconds]      → queue pages with 100,000 open cases and 100 arrivals/s; approval → SMS latency
# bench/run.sh enrollment [seconds]    → guardians' enrolments (start + birth certificate + Ghi nhận) with 32 clients; child Mẫu 01 rate
# bench/run.sh identity [seconds]      → logins/s against the raw Argon2id rate; a JWT GET against the same GET anonymous
# bench/run.sh school [rosters]        → 1,000-row CSV rosters (all valid, then 10 % invalid) answered; forms.zip of a class of 40
ensure_tool pdftoppm poppler-utils
dotnet build src/Host/VssId.Host.csproj -c Release -nologo -v quiet -clp:NoSummary
# The enrollment bench starts fresh hosts for its phases and cannot warm each for 30 s (every enrolment spends a
# guardian's slot): full JIT from the first call instead of tier-0 code, so no phase measures the JIT itself.
if [ "${1:-}" = enrollment ]; then export DOTNET_TieredCompilation=0; fi
dotnet run -c Release --project bench/VssId.Bench -- "$@"
