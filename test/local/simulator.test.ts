// The simulated API exports what the metric contract says, by name, type and labels, for every metric
// the API, its seats exporter, cAdvisor and kube-state-metrics are expected to export, under either
// label scheme: it builds its metrics from the contract, and this reads them back from its real
// /metrics endpoints (the seats exporter's only under the contract, as only a migrated API has one).
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { exportedUnder, LABEL_SCHEMES, labelsOf, METRIC_CONTRACT, sourceOf, type LabelScheme } from "../../rules/metric-contract";

const PORTS: Record<LabelScheme, { apiPort: number; metricsPort: number; publicPort: number; controlPort: number; seatsPort: number }> = {
  contract: { apiPort: 30230, metricsPort: 30231, publicPort: 30236, controlPort: 30232, seatsPort: 30238 },
  adr: { apiPort: 30233, metricsPort: 30234, publicPort: 30237, controlPort: 30235, seatsPort: 30239 },
};
const simulators: ChildProcess[] = [];

beforeAll(async () => {
  await Promise.all(
    LABEL_SCHEMES.map((labelScheme) => {
      const options = { ...PORTS[labelScheme], healthPath: "/health/", publicPath: "/health/", metricsPath: "/metrics", seatsPath: "/metrics", seatLimit: 50, namespace: "license-api", container: "license-api", labelScheme };
      const simulator = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "local", "simulator.ts"), JSON.stringify(options)], { cwd: PROJECT_ROOT });
      simulators.push(simulator);
      return new Promise<void>((resolve, reject) => {
        simulator.stdout!.on("data", (d: Buffer) => d.toString().includes("listening") && resolve());
        simulator.on("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
      });
    }),
  );
}, 30_000);

afterAll(() => {
  for (const s of simulators) s.kill();
});

/** Everything the API's pods export: its /metrics and, under the contract, the seats exporter's. */
const metricsOf = async (scheme: LabelScheme) => {
  const ports = scheme === "contract" ? [PORTS[scheme].metricsPort, PORTS[scheme].seatsPort] : [PORTS[scheme].metricsPort];
  return (await Promise.all(ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()))).join("\n");
};
const apiMetricsOf = async (scheme: LabelScheme) => (await fetch(`http://127.0.0.1:${PORTS[scheme].metricsPort}/metrics`)).text();

/**
 * The metrics once every labelled series of the API has a sample: a counter such as
 * seat_acquisitions_total has none until the simulated traffic first acquires a seat, which on a busy
 * machine can be after the simulator says it is listening. The assertions below then decide.
 */
async function metricsOnceTrafficFlowed(scheme: LabelScheme, names: string[]): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = await metricsOf(scheme);
    if (names.every((n) => text.includes(`\n${n}{`)) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Series of failures, which appear at the first failure (docs/metrics.md), as the API's do. */
const FAILURE_SERIES = ["\nlicense_validation_errors_total{", "\nseat_denials_total{", 'status="error"'];

test.each(LABEL_SCHEMES)("%s labels: no failure series before the first failure; then every metric of the API, its seats exporter, cAdvisor and kube-state-metrics in the contract is exported with its type and labels", async (scheme) => {
  const expected = METRIC_CONTRACT.filter((m) => ["license-api", "license-seats", "cadvisor", "kube-state-metrics"].includes(sourceOf(m, scheme)) && exportedUnder(m, scheme));
  const labelled = expected.filter((x) => ["license-api", "license-seats"].includes(sourceOf(x, scheme)) && x.type !== "histogram");
  // As the API's: a counter of failures has no series before the first failure.
  const before = await metricsOnceTrafficFlowed(scheme, ["license_validation_requests_total"]);
  expect(FAILURE_SERIES.filter((series) => before.includes(series))).toEqual([]);
  for (const fault of ["errors", "redis", "seats"]) await fetch(`http://127.0.0.1:${PORTS[scheme].controlPort}/fault/${fault}`, { method: "POST" });
  const text = await metricsOnceTrafficFlowed(scheme, labelled.filter((m) => labelsOf(m, scheme).length > 0).map((m) => m.name));
  expect(FAILURE_SERIES.filter((series) => !text.includes(series))).toEqual([]);
  const exported = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
  expect(expected.length).toBeGreaterThan(10);
  for (const m of expected) {
    expect({ name: m.name, type: exported.get(m.name) }).toEqual({ name: m.name, type: m.type === "info" ? "gauge" : m.type });
  }
  for (const m of labelled) {
    const line = text.split("\n").find((l) => l.startsWith(`${m.name}{`));
    const labels = [...(line ?? "").matchAll(/(\w+)="/g)].map((x) => x[1]).sort();
    expect({ name: m.name, labels }).toEqual({ name: m.name, labels: [...labelsOf(m, scheme)].sort() });
  }
});

test("the contract's labels carry no license key anywhere; ADR-019's carry it on the request counter", async () => {
  expect(await metricsOf("contract")).not.toMatch(/license_key=/);
  // Each license's seat gauges come from the seats exporter alone, not from the API's replicas.
  expect(await apiMetricsOf("contract")).not.toMatch(/^(active_sessions|license_seat_utilisation_ratio)\{/m);
  expect(await metricsOf("contract")).toMatch(/^license_seat_utilisation_ratio\{license_id="lic-/m);
  expect(await metricsOf("adr")).toMatch(/^license_validation_requests_total\{license_key="LIC-/m);
});
