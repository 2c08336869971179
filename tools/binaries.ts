// Where the real Prometheus tools live: scripts/ensure-tools.sh puts Debian's builds of production's
// major versions (Prometheus 3, Alertmanager 0.3x) at .cache/bin. Everything that runs one (the tests,
// the local stack, the benchmarks) takes its path from here rather than from PATH, so that an older
// copy installed on the machine can never answer in their place.
import * as path from "path";
import { PROJECT_ROOT } from "../lib/stack-file";

const BIN = path.join(PROJECT_ROOT, ".cache", "bin");

export const PROMETHEUS = path.join(BIN, "prometheus");
export const PROMTOOL = path.join(BIN, "promtool");
export const ALERTMANAGER = path.join(BIN, "prometheus-alertmanager");
export const AMTOOL = path.join(BIN, "amtool");
export const BLACKBOX_EXPORTER = path.join(BIN, "prometheus-blackbox-exporter");

/** What to run when one of them is missing. */
export const INSTALL_HINT = "run `npm run tools:install` (scripts/ensure-tools.sh)";
