#!/usr/bin/env bash
# Scans the log of a whole test run (tests/…/SuiteLog.cs writes it) for what must never be logged: mobile
# numbers, identity numbers, one-time codes in their SMS text, the suite's passwords, bearer tokens and JWTs.
# Prints each finding with the match masked, and exits non-zero when there is one.
# Usage: scripts/scan-logs.sh <log file>
set -euo pipefail
log="$1"
[ -s "$log" ] || { echo "log scan: $log is empty or missing" >&2; exit 1; }
lines=$(wc -l < "$log")
patterns=(
  '(?<![0-9A-Za-z.:/_-])0[35789][0-9]{8}(?![0-9])'        # a Vietnamese mobile, 0 + 9 digits
  '\+84 ?[35789][0-9 ]{8,11}'                              # the same with +84
  '(?<![0-9A-Za-z.:/_-])0[0-9]{11}(?![0-9])'              # a 12-digit CCCD
  'M[aã] x[aá]c th[uự]c'                                   # an OTP SMS text
  'Sông Hồng chảy qua 36 phố|dev-admin-VssId-2026|Một mật khẩu đủ dài 2026'   # passwords of the suite
  'Bearer [A-Za-z0-9_.-]{20,}'                             # a bearer token
  'eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}'              # a JWT
)
found=0
for pattern in "${patterns[@]}"; do
  pattern="${pattern%%#*}"; pattern="${pattern%"${pattern##*[![:space:]]}"}"
  if matches=$(grep -aoP -- "$pattern" "$log" | sort | uniq -c | sort -rn); then
    count=$(echo "$matches" | awk '{s+=$1} END {print s}')
    found=$((found + count))
    echo "log scan: $count line(s) match /$pattern/, e.g.:" >&2
    grep -aP -- "$pattern" "$log" | head -3 | sed -E 's/[0-9]{4}/####/g' | cut -c1-240 >&2
  fi
done
echo "log scan: $lines lines, $found finding(s)"
[ "$found" -eq 0 ]
