#!/usr/bin/env bash
# npm test: every check, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-tools.sh
echo "== helm and the pinned charts"; bash scripts/ensure-helm.sh && npx tsx tools/fetch-charts.ts
echo "== typecheck"; npx tsc -p .
echo "== lint"; npx eslint .
# promtool and Helm are CPU-bound: those suites use both cores, at a lower priority. The end-to-end
# suites mostly wait on real alert timings (scrape, for:, group_wait): they run at the same time, each
# local stack on its own ports, so the whole run takes about as long as its longest part.
if [ $# -gt 0 ]; then
  echo "== jest $*"; npx jest --ci "$@"
else
  echo "== jest, end to end (in the background, lines prefixed e2e)"
  (npx jest --ci --maxWorkers=6 --testSequencer ./test/e2e/sequencer.js test/e2e 2>&1 | sed -u 's/^/e2e | /') &
  e2e=$!
  echo "== jest"
  unit_status=0; nice -n 10 npx jest --ci --maxWorkers=2 --testPathIgnorePatterns /test/e2e/ || unit_status=$?
  e2e_status=0; wait "$e2e" || e2e_status=$?
  echo "== jest: $([ $unit_status = 0 ] && echo passed || echo FAILED), end to end: $([ $e2e_status = 0 ] && echo passed || echo FAILED)"
  [ $unit_status = 0 ] && [ $e2e_status = 0 ]
fi
