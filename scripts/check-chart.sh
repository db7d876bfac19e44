#!/usr/bin/env bash
# Checks the Helm chart without a cluster: yamllint, render with every ci values file (tools/chart-render, or
# helm when installed), then the full test (schema, Kubernetes object validation, config loader).
# Needs: go (golang-go), yamllint, and Debian's golang-github-masterminds-sprig-dev + golang-github-ghodss-yaml-dev.
set -euo pipefail
cd "$(dirname "$0")/.."

chart=helm/syncwatch
cache=node_modules/.cache/chart-render
renderer="$cache/chart-render"

for tool in go yamllint; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-chart: $tool is not installed (apt-get install golang-go yamllint)" >&2
    exit 1
  fi
done

echo "check-chart: yamllint"
yamllint -c .yamllint -s "$chart/Chart.yaml" "$chart/values.yaml" "$chart"/ci/*.yaml

echo "check-chart: building $renderer"
mkdir -p "$cache"
GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS='' GOCACHE="${GOCACHE:-$PWD/$cache/go-build}" \
  go build -o "$renderer" ./tools/chart-render

render_with() {
  if [[ -n "$1" ]]; then "$renderer" --name t -f "$1" "$chart"; else "$renderer" --name t "$chart"; fi
}
for values in "" "$chart"/ci/*-values.yaml; do
  echo "check-chart: render ${values:-(chart defaults)}"
  render_with "$values" >/dev/null
done

if command -v helm >/dev/null 2>&1; then
  echo "check-chart: helm lint / helm template"
  helm lint "$chart"
  for values in "$chart"/ci/*-values.yaml; do
    helm template t "$chart" -f "$values" >/dev/null
  done
fi

echo "check-chart: vitest test/packaging/chart.test.ts"
npx vitest run test/packaging/chart.test.ts
echo "check-chart: ok"
