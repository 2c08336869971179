// Helm does not complain about a value a chart never reads: it is silently ignored (this is how the
// Badger volume and the Elasticsearch existingSecret went unnoticed). Every key our values set must be
// one the pinned chart declares in its values.yaml (or a vendored subchart's), except below a key the
// chart declares empty ({}, [] or null), where it takes free-form content. A key the chart reads without
// declaring it must be read literally (`.Values.<path>`) by one of its templates, or be listed below with
// the template that reads it.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { STACKS } from "../../lib/stack-file";
import { CHARTS, IMAGE_PINS } from "../../render/charts";
import { helmReleases, type ReleaseSpec } from "../../render/releases";
import { chartArchive, helm } from "../../tools/chart-cache";
import { testStackConfig } from "../stack-config";

/** Maps keyed by names we choose, although the chart's default map is not empty. */
const FREE_FORM: Record<string, string[]> = {
  "prometheus-blackbox-exporter": ["config.modules"],
  "opentelemetry-collector": ["ports"],
};

/** Read by a template through a variable, so not found as `.Values.<path>`. */
const READ_INDIRECTLY: Record<string, Record<string, string>> = {
  jaeger: { "storage.elasticsearch.user": "templates/_helpers.tpl, elasticsearch.env: $es := .Values.storage.elasticsearch; $es.user" },
};

type Node = unknown;
const isMap = (n: Node): n is Record<string, Node> => n !== null && typeof n === "object" && !Array.isArray(n);
const freeForm = (n: Node) => n === null || (Array.isArray(n) ? true : isMap(n) && Object.keys(n).length === 0);

/** The chart's files, unpacked once per chart into a temporary folder. */
const unpackedCharts = new Map<string, string>();
function chartFiles(spec: ReleaseSpec): { root: string; files: string[] } {
  const archive = chartArchive(spec.chart);
  if (!unpackedCharts.has(archive)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-chart-"));
    execFileSync("tar", ["-xzf", archive, "-C", dir]);
    unpackedCharts.set(archive, path.join(dir, spec.chart.chart));
  }
  const root = unpackedCharts.get(archive)!;
  return { root, files: (fs.readdirSync(root, { recursive: true }) as string[]).map((f) => f.split(path.sep).join("/")) };
}

afterAll(() => {
  for (const root of unpackedCharts.values()) fs.rmSync(path.dirname(root), { recursive: true, force: true });
});

/** The chart's declared values, with each vendored subchart's under its name, as Helm merges them. */
function declaredValues(spec: ReleaseSpec): Record<string, Node> {
  const { root, files } = chartFiles(spec);
  const own = parse(helm(["show", "values", chartArchive(spec.chart)]).stdout) as Record<string, Node>;
  for (const file of files) {
    const m = /^charts\/([^/]+)\/values\.yaml$/.exec(file);
    if (!m) continue;
    const sub = parse(fs.readFileSync(path.join(root, file), "utf8")) ?? {};
    own[m[1]] = isMap(own[m[1]]) ? { ...sub, ...(own[m[1]] as object) } : sub;
  }
  return own;
}

/** Paths of `ours` that `declared` does not know. */
function undeclaredPaths(ours: Node, declared: Node, freeFormPaths: string[] = [], at: string[] = []): string[] {
  if (!isMap(ours) || freeForm(declared) || freeFormPaths.includes(at.join("."))) return [];
  if (!isMap(declared)) return [at.join(".")];
  return Object.entries(ours).flatMap(([key, value]) =>
    key in declared ? undeclaredPaths(value, declared[key], freeFormPaths, [...at, key]) : [[...at, key].join(".")],
  );
}

function templatesText(spec: ReleaseSpec): string {
  const { root, files } = chartFiles(spec);
  return files
    .filter((f) => f.startsWith("templates/") && fs.statSync(path.join(root, f)).isFile())
    .map((f) => fs.readFileSync(path.join(root, f), "utf8"))
    .join("\n");
}

/** What the chart would silently ignore of our values. */
function ignoredValues(spec: ReleaseSpec): string[] {
  const templates = templatesText(spec);
  const indirect = READ_INDIRECTLY[spec.chart.chart] ?? {};
  return undeclaredPaths(spec.values, declaredValues(spec), FREE_FORM[spec.chart.chart]).filter((p) => !templates.includes(`.Values.${p}`) && !(p in indirect));
}

test("the check finds a key the chart does not declare", () => {
  const declared = { storage: { elasticsearch: { url: "", user: "", tls: { enabled: false } }, cassandra: { existingSecret: null } }, extraEnv: [] };
  const ours = { storage: { elasticsearch: { url: "u", existingSecret: "s", tls: { enabled: true } } }, extraEnv: [{ name: "A" }] };
  expect(undeclaredPaths(ours, declared)).toEqual(["storage.elasticsearch.existingSecret"]);
  expect(undeclaredPaths({ config: { modules: { mine: { http: {} } } } }, { config: { modules: { http_2xx: { http: {} } } } }, ["config.modules"])).toEqual([]);
});

test("Jaeger 4.11.1 would ignore the Elasticsearch existingSecret that the earlier values set", () => {
  const spec = helmReleases(testStackConfig("prod")).find((r) => r.chart.chart === "jaeger")!;
  const values = structuredClone(spec.values) as any;
  values.storage.elasticsearch.existingSecret = "jaeger-storage-credentials";
  expect(ignoredValues({ ...spec, values })).toEqual(["storage.elasticsearch.existingSecret"]);
});

describe.each(STACKS)("%s: every value we set is one the chart reads", (stack) => {
  test.each(helmReleases(testStackConfig(stack)).map((r) => [r.release, r] as const))("%s", (_release, spec) => {
    expect(ignoredValues(spec)).toEqual([]);
  });
});

// An image pin replaces the chart's default only while that default lacks what the pin is for: once a
// chart bump brings the same or a newer version, the pin should go.
test("every image pin replaces the pinned chart's older default", () => {
  const spec = helmReleases(testStackConfig("prod")).find((r) => r.chart.chart === CHARTS.kubePrometheusStack.chart)!;
  const chartImage = (declaredValues(spec) as any).alertmanager.alertmanagerSpec.image;
  const pin = IMAGE_PINS.alertmanager;
  expect({ registry: chartImage.registry, repository: chartImage.repository, tag: chartImage.tag }).toEqual({ registry: pin.registry, repository: pin.repository, tag: pin.chartDefault });
  // vX.Y.Z as one comparable number (each part below 1000).
  const ordinal = (tag: string) => tag.replace(/^v/, "").split(".").reduce((n, part) => n * 1000 + Number(part), 0);
  expect(ordinal(pin.tag)).toBeGreaterThan(ordinal(pin.chartDefault));
});
