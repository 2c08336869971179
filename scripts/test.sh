#!/usr/bin/env bash
# npm test: every check, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
echo "== helm and the pinned charts"; bash scripts/ensure-helm.sh && npx tsx tools/fetch-charts.ts
echo "== typecheck"; npx tsc -p .
echo "== lint"; npx eslint .
echo "== jest"; npx jest --ci "$@"
