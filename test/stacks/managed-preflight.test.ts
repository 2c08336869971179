// The managed evaluator's preflight in the component: on a cluster it cannot run on, every object the
// evaluator acts on (the PodMonitoring, the Rules, the OperatorConfig patch, the service account's
// annotation) has an input that fails with the preflight's message, so the engine registers none of
// them and the preview fails with that message (the runtime reports an unhandled rejection as an error of the
// program, without a stack for a RunError). Run in a process of its own (managed-preflight-run.ts).
import { spawnSync } from "child_process";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";

function preflightOn(cluster: Record<string, unknown>): { outcome: Record<string, string>; reported: string[] } {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "managed-preflight-run.ts"), JSON.stringify(cluster)], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) throw new Error(`preflight run failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const pool = { workloadIdentityConfigs: [{ workloadPool: "coditect-prod.svc.id.goog" }] };
// Prod's config with the seat groups placed there too: both placements' objects.
const OBJECTS = [
  "ServiceAccountPatch preflight-ksa",
  "PodMonitoring preflight-seats-podmonitoring",
  "Rules preflight-rules",
  "OperatorConfigPatch preflight-operatorconfig",
  "PodMonitoring preflight-podmonitoring-license-api-health",
  "PodMonitoring preflight-podmonitoring-license-api-public",
  "PodMonitoring preflight-podmonitoring-license-api-cluster-pages",
  "Rules preflight-rules-license-api-outage-backstop",
];

test("with managed collection and Workload Identity on, every object the evaluator acts on is applied", () => {
  const { outcome, reported } = preflightOn({ monitoringConfigs: [{ managedPrometheuses: [{ enabled: true }] }], ...pool });
  expect(outcome).toEqual(Object.fromEntries(OBJECTS.map((o) => [o, "applied"])));
  expect(reported).toEqual([]);
});

test.each([
  ["managed collection off", { monitoringConfigs: [{ managedPrometheuses: [{ enabled: false }] }], ...pool }, "managed collection is not enabled"],
  ["no Workload Identity", { monitoringConfigs: [{ managedPrometheuses: [{ enabled: true }] }], workloadIdentityConfigs: [] }, "Workload Identity (pool coditect-prod.svc.id.goog) is not enabled"],
])("with %s, none of them is applied: each fails with the preflight's message, and the preview fails with it", (_, cluster, message) => {
  const { outcome, reported } = preflightOn(cluster);
  expect(Object.keys(outcome).sort()).toEqual([...OBJECTS].sort());
  for (const [resource, result] of Object.entries(outcome)) {
    expect({ resource, result }).toEqual({ resource, result: expect.stringContaining(message) });
    expect(result).toContain('alerts.perLicense.evaluator is "managed" and alerts.outage.backstop is "managed"');
  }
  // What the runtime reports and fails the preview with.
  expect(reported.length).toBeGreaterThan(0);
  for (const m of reported) expect(m).toContain(message);
});
