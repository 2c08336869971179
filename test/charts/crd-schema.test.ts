// The PrometheusRule, ServiceMonitor and Probe objects this stack creates, validated against the
// openAPIV3Schema of the CRDs in the pinned kube-prometheus-stack chart (`helm show crds`), as the
// API server would validate them: a misspelt or misplaced field fails here, not during `pulumi up`.
import Ajv, { type ValidateFunction } from "ajv";
import { STACKS } from "../../lib/stack-file";
import { helmTemplate } from "../../tools/helm-template";
import { customResources, licenseApiHealthProbe, licenseApiServiceMonitor } from "../../render/custom-resources";
import { kubePrometheusStackRelease } from "../../render/releases";
import { chartCrds } from "../../tools/helm-template";
import { testStackConfig } from "../stack-config";

/**
 * A validator per kind from the CRD's served version. The API server prunes unknown fields silently
 * (structural schemas), which would hide a typo; here unknown fields are errors instead.
 */
function validators(): Map<string, ValidateFunction> {
  return compile(KINDS, (schema) => schema);
}

/** Validators of the given kinds, each of the part of its schema `pick` selects. */
function compile(kinds: string[], pick: (schema: any) => any): Map<string, ValidateFunction> {
  // Kubernetes' formats (int32, int64, byte) are not JSON Schema's; types, patterns and enums are checked.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, code: { regExp: goRegExp } });
  // Kubernetes' vendor extensions carry no validation ajv must run; int-or-string is expressed with anyOf.
  for (const keyword of ["x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-validations", "x-kubernetes-embedded-resource"]) {
    ajv.addKeyword(keyword);
  }
  const crds = chartCrds(kubePrometheusStackRelease(testStackConfig("staging")));
  const result = new Map<string, ValidateFunction>();
  for (const [kind, crd] of crds) {
    if (!kinds.includes(kind)) continue;
    const version = (crd.spec as any).versions.find((v: any) => v.name === "v1" && v.served);
    if (version) result.set(kind, ajv.compile(closed(pick(version.schema.openAPIV3Schema))));
  }
  return result;
}

/** The schema with additionalProperties: false wherever it lists properties and does not preserve unknown fields. */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== "object") return schema;
  const out: any = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v)]));
  if (out.type === "object" && out.properties && !out["x-kubernetes-preserve-unknown-fields"] && out.additionalProperties === undefined) {
    // metadata is validated by the API server itself, not by the CRD schema.
    out.additionalProperties = false;
  }
  return out;
}

/**
 * The CRDs' patterns are Go (RE2) syntax; the one construct JavaScript lacks in them is the (?i) flag
 * group, which they use for a whole pattern (e.g. ^(?i)(abort|warn)?$).
 */
function goRegExp(pattern: string, flags: string): RegExp {
  return pattern.includes("(?i)") ? new RegExp(pattern.replaceAll("(?i)", ""), `${flags}i`) : new RegExp(pattern, flags);
}
goRegExp.code = "goRegExp";

const KINDS = ["PrometheusRule", "ServiceMonitor", "Probe"];
const byKind = validators();

function errors(object: { kind: string; metadata?: unknown; spec?: unknown }): string[] {
  const validate = byKind.get(object.kind);
  if (!validate) throw new Error(`the chart has no CRD for ${object.kind}`);
  const { metadata: _metadata, ...rest } = object as Record<string, unknown>;
  return validate(rest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

test("the chart ships the CRDs of every kind this stack creates", () => {
  expect([...byKind.keys()].sort()).toEqual([...KINDS].sort());
});

describe.each(STACKS)("%s: custom resources against the chart's CRDs", (stack) => {
  const c = testStackConfig(stack);
  test.each(customResources(c).map((o) => [`${o.kind} ${o.metadata.name}`, o] as const))("%s is valid", (_name, object) => {
    expect(errors(object)).toEqual([]);
  });
});

describe("the validation catches what the API server would reject or drop", () => {
  const c = testStackConfig("prod");

  test("a misspelt field", () => {
    const monitor = licenseApiServiceMonitor(c);
    const [endpoint] = monitor.spec.endpoints as Record<string, unknown>[];
    const broken = { ...monitor, spec: { ...monitor.spec, endpoints: [{ ...endpoint, scrapeTimout: "10s" }] } };
    expect(errors(broken).join("\n")).toMatch(/endpoints\/0 must NOT have additional properties.*scrapeTimout/);
  });

  test("a wrong type", () => {
    const probe = licenseApiHealthProbe(c);
    const broken = { ...probe, spec: { ...probe.spec, targets: { staticConfig: { static: "https://one" } } } };
    expect(errors(broken).join("\n")).toMatch(/static must be array/);
  });

  test("a duration the operator's pattern refuses", () => {
    const probe = licenseApiHealthProbe(c);
    expect(errors({ ...probe, spec: { ...probe.spec, interval: "5 seconds" } }).join("\n")).toMatch(/interval must match pattern/);
  });
});

describe("the license API's scrape limits (licenseApi.scrapeLimits) are ServiceMonitor fields the CRD validates", () => {
  const c = testStackConfig("prod");
  const monitor = licenseApiServiceMonitor(c);

  test("set on the ServiceMonitor's spec, from the config", () => {
    expect(monitor.spec).toMatchObject({ sampleLimit: c.licenseApi.scrapeLimits.samples, labelLimit: c.licenseApi.scrapeLimits.labels, labelValueLengthLimit: c.licenseApi.scrapeLimits.labelValueLength });
    expect(errors(monitor)).toEqual([]);
  });

  test("a limit given as a string, or placed on an endpoint instead of the spec, is rejected", () => {
    expect(errors({ ...monitor, spec: { ...monitor.spec, sampleLimit: "250000" } }).join("\n")).toMatch(/sampleLimit must be integer/);
    const { labelLimit, ...rest } = monitor.spec as Record<string, unknown>;
    const [endpoint] = monitor.spec.endpoints as Record<string, unknown>[];
    expect(errors({ ...monitor, spec: { ...rest, endpoints: [{ ...endpoint, labelLimit }] } }).join("\n")).toMatch(/endpoints\/0 must NOT have additional properties.*labelLimit/);
  });
});

/**
 * The chart renders the Prometheus CR from our values (templates/prometheus/prometheus.yaml passes
 * remoteWrite through tpl); what it rendered is validated here against the CRD's schema for the fields
 * the long-term remote write sets, as the API server would.
 */
describe.each(STACKS)("%s: the rendered Prometheus CR's remote write against the chart's CRD", (stack) => {
  const c = testStackConfig(stack);
  const remoteWriteFields = ["remoteWrite", "replicaExternalLabelName", "externalLabels"];
  const validate = compile(["Prometheus"], (schema) => ({
    type: "object",
    properties: Object.fromEntries(remoteWriteFields.map((f) => [f, schema.properties.spec.properties[f]])),
  })).get("Prometheus")!;
  const prometheus = helmTemplate(kubePrometheusStackRelease(c)).objects.find((o) => o.kind === "Prometheus")!;
  const fields = (spec: any) => Object.fromEntries(remoteWriteFields.map((f) => [f, spec[f]]));

  test("remoteWrite, the replica label and the external labels are valid", () => {
    const spec = prometheus.spec as any;
    expect(spec.remoteWrite).toHaveLength(1);
    expect(validate(fields(spec)) ? [] : validate.errors).toEqual([]);
  });

  test("a misspelt queue field is caught", () => {
    const spec = prometheus.spec as any;
    const broken = { ...spec, remoteWrite: [{ ...spec.remoteWrite[0], queueConfig: { ...spec.remoteWrite[0].queueConfig, maxSamplesPerBatch: 1 } }] };
    expect(validate(fields(broken))).toBe(false);
    expect(JSON.stringify(validate.errors)).toMatch(/maxSamplesPerBatch/);
  });
});
