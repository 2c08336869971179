#!/usr/bin/env bash
# npm test: every check, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
echo "== helm and the pinned charts"; bash scripts/ensure-helm.sh && npx tsx tools/fetch-charts.ts
echo "== typecheck"; npx tsc -p .
echo "== lint"; npx eslint .
# promtool and Helm are CPU-bound: those suites use both cores. The end-to-end suites share the local
# stack's ports and run one at a time after them.
if [ $# -gt 0 ]; then
  echo "== jest $*"; npx jest --ci "$@"
else
  echo "== jest"; npx jest --ci --maxWorkers=2 --testPathIgnorePatterns /test/e2e/
  echo "== jest, end to end"; npx jest --ci --runInBand test/e2e
fi
