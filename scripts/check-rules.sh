#!/usr/bin/env bash
# Checks the Prometheus rules (syntax and unit tests) and that the Helm chart ships identical copies of
# the rules and the Grafana dashboard. Usage: scripts/check-rules.sh  (PROMTOOL=/path/to/promtool to override)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
promtool="${PROMTOOL:-promtool}"

if ! command -v "$promtool" >/dev/null 2>&1; then
  echo "check-rules: promtool not found (install the prometheus package or set PROMTOOL)" >&2
  exit 2
fi

cd "$root"
"$promtool" check rules deploy/prometheus/syncwatch-rules.yaml
"$promtool" test rules deploy/prometheus/syncwatch-rules.test.yaml

status=0
for pair in \
  "deploy/prometheus/syncwatch-rules.yaml helm/syncwatch/files/syncwatch-rules.yaml" \
  "deploy/grafana/syncwatch-dashboard.json helm/syncwatch/files/syncwatch-dashboard.json"; do
  set -- $pair
  if ! cmp -s "$1" "$2"; then
    echo "check-rules: $2 differs from $1 (run: cp $1 $2)" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "check-rules: helm copies match deploy/"
exit "$status"
