// The dashboards' license filter, as a real Prometheus (3.5) answers it: with one license selected,
// every query that reads the filter selects that license's series only, under either label scheme (the
// metric contract's `license_id`, ADR-019's `license_key`), and still returns data; at its default
// (.*) a license is counted once, not once per label the filter tries.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderDashboards } from "../../dashboards";
import { LICENSE_FILTER_OFF } from "../../dashboards/common";
import { exportedUnder, METRIC_CONTRACT, labelsOf, sourceOf, type LabelScheme } from "../../rules/metric-contract";
import { seatsJob } from "../../lib/identities";
import { promQueries } from "./dashboard-queries";
import { parsePromql } from "./promql";
import { BackfilledPrometheus } from "../backfilled-prometheus";
import { testStackConfig } from "../stack-config";

const prometheus = new BackfilledPrometheus(26190);
const STEP = 15;
const START = 1_790_000_000;
// Four hours: the seat forecast speaks of a license once its samples span half its lookback (3 h).
const END = START + 4 * 3600;

type Labels = Record<string, string>;
/** Two licenses under each scheme; the first of each is the one the tests select. */
const LICENSES: { scheme: LabelScheme; labels: Labels; sessions: number }[] = [
  { scheme: "contract", labels: { license_id: "lic-1", tenant_id: "tenant-1" }, sessions: 3 },
  { scheme: "contract", labels: { license_id: "lic-2", tenant_id: "tenant-2" }, sessions: 40 },
  { scheme: "adr", labels: { license_key: "LIC-0A1B2C3D-000001", tenant_id: "tenant-3" }, sessions: 7 },
  { scheme: "adr", labels: { license_key: "LIC-4E5F6A7B-000002", tenant_id: "tenant-4" }, sessions: 400 },
];
const SELECTED = { contract: LICENSES[0], adr: LICENSES[2] };
const licenseOf = (l: Labels) => l.license_id || l.license_key || "";

const c = testStackConfig("prod");
const models = renderDashboards(c).map((d) => d.model);
const filtered = models.flatMap((m) => promQueries(m).filter((q) => q.raw.includes("$license")));
const selectorsOf = (expr: string) => {
  const p = parsePromql(expr);
  return p.selectors.map((s) => ({ metric: s.metric, text: expr.slice(s.node.from, s.node.to) }));
};

/**
 * The series each selector the filter reads finds under each scheme: per license where the scheme
 * gives it a license label, from the source (the API's replicas or the seats exporter, told apart by
 * the selector's job) that exports it under that scheme.
 */
function series(metric: string, matchers: Labels): Labels[] {
  const contract = METRIC_CONTRACT.find((m) => metric === m.name || metric === `${m.name}_total`);
  const source = matchers.job === seatsJob(c) ? "license-seats" : "license-api";
  return LICENSES.flatMap(({ scheme, labels }, i) => {
    if (contract && (sourceOf(contract, scheme) !== source || !exportedUnder(contract, scheme))) return [];
    const names = contract ? labelsOf(contract, scheme) : Object.keys(labels);
    const others = Object.fromEntries(names.filter((n) => !(n in labels)).map((n) => [n, contract?.values?.[n]?.[0] ?? "pro"]));
    const own = Object.fromEntries(names.filter((n) => n in labels).map((n) => [n, labels[n]]));
    // A scheme whose counter has no license label exports one series, not one per license.
    if (Object.keys(own).length === 0 && LICENSES.findIndex((l) => l.scheme === scheme) !== i) return [];
    return [{ ...matchers, ...others, ...own }];
  });
}

const sessionsOf = (l: Labels) => LICENSES.find((x) => licenseOf(x.labels) === licenseOf(l))?.sessions ?? 0;

function openMetrics(): string {
  // One family per metric, its series together, as OpenMetrics requires: a metric may be read from two sources.
  const families = new Map<string, string[]>();
  const written = new Set<string>();
  for (const q of filtered) {
    for (const s of selectorsOf(q.expr)) {
      const matchers = Object.fromEntries([...s.text.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const key = `${s.metric}{job="${matchers.job ?? ""}"}`;
      if (written.has(key)) continue;
      written.add(key);
      const lines = families.get(s.metric) ?? [];
      families.set(s.metric, lines);
      for (const labels of series(s.metric, matchers)) {
        const l = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");
        for (let t = START; t <= END; t += STEP) {
          // Counters grow steadily; a gauge holds the license's sessions (or a utilisation of them).
          const value = s.metric.endsWith("_total") ? (t - START) / 10 : s.metric.includes("utilisation") ? sessionsOf(labels) / 500 : sessionsOf(labels);
          lines.push(`${s.metric}{${l}} ${value} ${t}`);
        }
      }
    }
  }
  return `${[...families].flatMap(([metric, lines]) => [`# TYPE ${metric} unknown`, ...lines]).join("\n")}\n# EOF\n`;
}

let dir: string;

async function get<T>(route: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${prometheus.url}${route}?${new URLSearchParams(params)}`);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${route} ${JSON.stringify(params)}: ${body.error}`);
  return body.data;
}
const query = (expr: string) => get<{ result: { metric: Labels; value: [number, string] }[] }>("/api/v1/query", { query: expr, time: String(END) }).then((d) => d.result);
const matched = (selector: string) => get<Labels[]>("/api/v1/series", { "match[]": selector, start: String(START), end: String(END) });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-license-filter-"));
  fs.writeFileSync(path.join(dir, "data.om"), openMetrics());
  await prometheus.start(dir, "data.om");
}, 150_000);

afterAll(async () => {
  await prometheus.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("the seat panels read the license filter on every dashboard that offers it", () => {
  const where = new Set(filtered.map((q) => q.where.split(" ")[0]));
  expect(where).toEqual(new Set(models.filter((m) => m.templating?.list?.some((v) => v.name === "license")).map((m) => m.uid)));
  expect(where.size).toBeGreaterThan(0);
  expect(filtered.length).toBeGreaterThanOrEqual(7);
});

describe.each(["contract", "adr"] as const)("one license selected under the %s's labels", (scheme) => {
  const selected = licenseOf(SELECTED[scheme].labels);
  const queries = models.flatMap((m) => promQueries(m, { license: selected }).filter((q) => q.raw.includes("$license")));

  test("every selector matches that license's series only", async () => {
    for (const q of queries) {
      const licenses = new Set<string>();
      for (const s of selectorsOf(q.expr)) for (const labels of await matched(s.text)) licenses.add(licenseOf(labels));
      expect({ where: q.where, licenses: [...licenses] }).toEqual({ where: q.where, licenses: licenses.size ? [selected] : [] });
    }
  });

  test("every query returns data, except the raw counters the contract keeps free of license labels", async () => {
    const answered: Record<string, boolean> = {};
    const expected: Record<string, boolean> = {};
    for (const q of queries) {
      answered[q.where] = (await query(q.expr)).length > 0;
      // Under the contract only the per-license series (sessions, limits, denials and what is recorded from them) name a license.
      const rawCounter = selectorsOf(q.expr).every((s) => METRIC_CONTRACT.some((m) => s.metric === m.name && !labelsOf(m, scheme).some((l) => l.startsWith("license_"))));
      expected[q.where] = !rawCounter;
    }
    expect(answered).toEqual(expected);
    expect(Object.values(expected).filter(Boolean).length).toBeGreaterThanOrEqual(5);
  });

  test("the busiest license is the selected one: its own sessions", async () => {
    const busiest = queries.find((q) => /^max\(\(+active_sessions/.test(q.expr))!;
    const [sample] = await query(busiest.expr);
    expect(Number(sample.value[1])).toBe(SELECTED[scheme].sessions);
  });
});

test(`at the default (${LICENSE_FILTER_OFF}) every license is counted once, under either scheme`, async () => {
  const total = models.flatMap((m) => promQueries(m, { license: LICENSE_FILTER_OFF })).find((q) => /^sum\(\(+active_sessions/.test(q.expr))!;
  const [sample] = await query(total.expr);
  expect(Number(sample.value[1])).toBe(LICENSES.reduce((a, l) => a + l.sessions, 0));
});
