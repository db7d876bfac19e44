#!/usr/bin/env bash
# Lints the Dockerfile (any dockerfile-utils diagnostic fails) and checks it builds with the same steps as CI.
set -euo pipefail
cd "$(dirname "$0")/.."

lint_bin=node_modules/.bin/dockerfile-utils
if [[ ! -x "$lint_bin" ]]; then
  echo "check-dockerfile: $lint_bin missing; run npm ci first" >&2
  exit 1
fi

# dockerfile-utils exits 0 on warnings, so any output at all is a failure.
set +e
lint_out="$("$lint_bin" lint Dockerfile 2>&1)"
lint_rc=$?
set -e
if [[ $lint_rc -ne 0 || -n "$lint_out" ]]; then
  echo "check-dockerfile: dockerfile-utils lint reported:" >&2
  echo "$lint_out" >&2
  exit 1
fi

fail=0
require() {
  local what="$1" pattern="$2"
  if ! grep -Eq "$pattern" Dockerfile; then
    echo "check-dockerfile: missing $what (pattern: $pattern)" >&2
    fail=1
  fi
}
require "multi-stage build stage" '^FROM node:22-bookworm-slim AS build$'
require "npm ci in the build stage (as CI)" 'RUN npm ci( |$)'
require "npm run build (as CI)" 'npm run build'
require "production-only install" 'npm ci --omit=dev --ignore-scripts'
require "tini" 'apt-get install -y --no-install-recommends tini'
require "numeric non-root user" '^USER 10001:10001$'
require "tini entrypoint" '^ENTRYPOINT \["/usr/bin/tini", "--", "node", "/app/dist/cli.js"\]$'
require "run as default command" '^CMD \["run"\]$'
require "metrics port" '^EXPOSE 9464$'
if [[ "$(grep -c '^FROM ' Dockerfile)" -lt 2 ]]; then
  echo "check-dockerfile: expected a multi-stage build (2+ FROM lines)" >&2
  fail=1
fi
if [[ $fail -ne 0 ]]; then exit 1; fi
echo "check-dockerfile: ok"
