// npm start [-- --stack prod|staging] [--base-port 19090] [--work-dir .local/<stack>] [--labels adr|contract]
// Runs the stack's rendered configuration on loopback and shows what pages, until Ctrl-C.
import { spawnSync } from "child_process";
import * as http from "http";
import * as path from "path";
import { PROJECT_ROOT } from "../lib/stack-file";
import { controlPort, flag, labelsFlag, portFlag, stackFlag } from "./cli-args";
import { FAULTS, isFault } from "./faults";
import type { Delivery } from "./receivers";
import { LocalStack } from "./stack";

const argv = process.argv.slice(2);
const stack = stackFlag(argv, "prod");
const basePort = portFlag(argv);
const labelScheme = labelsFlag(argv);
// Configs, data, logs and (with --work-dir) the deliveries of this run; emptied when it starts.
const workDirFlag = flag(argv, "work-dir");
const workDir = path.resolve(workDirFlag ?? path.join(PROJECT_ROOT, ".local", stack));
const deliveriesFile = workDirFlag ? path.join(workDir, "deliveries.jsonl") : path.join(PROJECT_ROOT, ".local", "deliveries.jsonl");
const shown = (p: string) => (p.startsWith(PROJECT_ROOT) ? path.relative(PROJECT_ROOT, p) : p);

const tools = spawnSync("bash", [path.join(PROJECT_ROOT, "scripts", "ensure-tools.sh")], { stdio: "inherit" });
if (tools.status !== 0) process.exit(tools.status ?? 1);

const local = new LocalStack({
  stack,
  basePort,
  workDir,
  deliveriesFile,
  labelScheme,
});

const time = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`${time()}  ${line}`);

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say("stopping every process of the local stack");
  control.close();
  await local.stop();
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("exit", () => local.killAll());
local.on("crash", (c: { name: string; code: number | null; log: string }) => {
  say(`${c.name} exited unexpectedly (code ${c.code}); see ${c.log}`);
  void shutdown(1);
});
local.on("delivery", (d: Delivery) => {
  if (d.receiver === "heartbeat") return;
  const where = d.receiver === "slack" ? `slack via ${d.webhook}` : `pagerduty incident #${d.incident}${d.opened ? " opened" : d.status === "firing" ? " updated" : ""}`;
  // A trigger that joins an open PagerDuty incident updates it without paging anyone again.
  const what = d.status === "resolved" ? "RESOLVED" : d.receiver === "pagerduty" && !d.opened ? "UPDATE" : "PAGE";
  say(`${what} → ${where}: ${[...new Set(d.alerts)].join(", ")}${d.summary ? ` — ${d.summary.split("\n")[0]}` : ""}`);
});

const control = http.createServer(async (req, res) => {
  const mode = (req.url ?? "").replace(/^\/fault\//, "");
  if (req.method !== "POST" || !isFault(mode)) return void res.writeHead(400).end(`faults: ${Object.keys(FAULTS).join(", ")}\n`);
  await local.fault(mode);
  say(`fault injected: ${mode} (${FAULTS[mode]})`);
  res.writeHead(200).end(`${mode}: ${FAULTS[mode]}\n`);
});

async function firing(): Promise<string> {
  const alerts = await local.query("ALERTS").catch(() => []);
  const rows = alerts.map((a) => `${a.metric.alertname}{${Object.entries(a.metric).filter(([k]) => !["__name__", "alertname", "alertstate", "service"].includes(k)).map(([k, v]) => `${k}="${v}"`).join(",")}} ${a.metric.alertstate}`);
  return rows.sort().join("\n    ") || "(nothing)";
}

async function main() {
  say(`starting the ${stack} stack on loopback (logs in ${shown(workDir)}/)`);
  control.listen(controlPort(basePort), "127.0.0.1");
  await local.start();
  await local.ready(120_000, (step) => say(step));
  const u = local.urls;
  console.log(`
  Prometheus       ${u.prometheus.join("  ")}
  Alertmanager     ${u.alertmanager.join("  ")}
  Blackbox         ${u.blackbox}
  License API      ${u.api}   metrics: ${u.metrics}   (${labelScheme === "adr" ? "ADR-019's labels: license_key" : "the metric contract's labels: license_id"})${labelScheme === "adr" ? "" : `\n  Seats exporter   ${u.seats}`}
  Receivers        ${u.receivers}   deliveries: ${shown(deliveriesFile)}
  Long-term store  ${u.longTermStore}   (receives the replicas' remote write)

  Inject a fault from another terminal:  npm run fault -- <${Object.keys(FAULTS).join("|")}>${basePort === 19090 ? "" : ` --base-port ${basePort}`}
  Ctrl-C stops everything.
`);
  let last = "";
  for (;;) {
    const now = await firing();
    if (now !== last) say(`alerts:\n    ${now}`);
    last = now;
    await new Promise((r) => setTimeout(r, 5000));
  }
}

main().catch((e) => {
  say(String(e instanceof Error ? e.message : e));
  void shutdown(1);
});
