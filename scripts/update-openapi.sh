#!/usr/bin/env bash
# Writes the document the Host serves to docs/openapi/v1.json (the committed contract), by running the
# contract test in update mode. Review the diff: it is the change integrators will see.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh
require_dotnet
ensure_postgres
dotnet build tests/VssId.Tests -c Release -nologo -v quiet -clp:NoSummary
VSSID_UPDATE_CONTRACT=1 dotnet test tests/VssId.Tests -c Release --no-build --nologo --filter "FullyQualifiedName~The_served_document_is_the_committed_one"
# The generated client of the tests follows the new document on the next build.
git --no-pager diff --stat -- docs/openapi/v1.json
