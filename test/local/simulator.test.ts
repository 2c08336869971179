// The simulated API exports what the metric contract says, by name and type, for every metric the API,
// cAdvisor and kube-state-metrics are expected to export: it builds its metrics from the contract, and
// this reads them back from its real /metrics endpoint.
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { METRIC_CONTRACT } from "../../rules/metric-contract";

const PORTS = { apiPort: 36230, metricsPort: 36231, controlPort: 36232 };
let simulator: ChildProcess;

beforeAll(async () => {
  const options = { ...PORTS, healthPath: "/health/", metricsPath: "/metrics", seatLimit: 50, namespace: "license-api", container: "license-api" };
  simulator = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "local", "simulator.ts"), JSON.stringify(options)], { cwd: PROJECT_ROOT });
  await new Promise<void>((resolve, reject) => {
    simulator.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
    simulator.on("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
}, 30_000);

afterAll(() => {
  simulator.kill();
});

test("every metric of the API, cAdvisor and kube-state-metrics in the contract is exported with its type", async () => {
  const text = await (await fetch(`http://127.0.0.1:${PORTS.metricsPort}/metrics`)).text();
  const exported = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
  const expected = METRIC_CONTRACT.filter((m) => ["license-api", "cadvisor", "kube-state-metrics"].includes(m.source));
  expect(expected.length).toBeGreaterThan(10);
  for (const m of expected) {
    expect({ name: m.name, type: exported.get(m.name) }).toEqual({ name: m.name, type: m.type === "info" ? "gauge" : m.type });
  }
});
