// The order the end-to-end suites start in. They wait on real alert timings, the longest for over ten
// minutes, and at most six run at once (scripts/test.sh): one of the long ones started after a short one
// would set the length of the whole run. Jest starts the longest first only when its cache holds their
// last durations, which a fresh clone's does not; here they are, in seconds, as measured in CI (a
// suite missing here starts first, and test/delivery/e2e-sequencer.test.ts asks for its figure).
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;

const MEASURED_SECONDS = {
  "true-sla": 740,
  "one-page": 703,
  "repeat-outage": 554,
  "local-stack": 538,
  "dead-mans-switch": 468,
  "outage-backstop": 443,
  "seat-forecast": 245,
  "managed-evaluator": 224,
  "key-guessing": 191,
  "start-command": 187,
  verify: 78,
};

const seconds = (test) => MEASURED_SECONDS[path.basename(test.path, ".test.ts")] ?? Infinity;

class LongestFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => seconds(b) - seconds(a));
  }
}

module.exports = LongestFirst;
module.exports.MEASURED_SECONDS = MEASURED_SECONDS;
