// The collector configs as a graph: every component defined is used and every one used is defined,
// pipelines are complete, processors run in the specified order, span metrics see every span before
// sampling, and only component names of the pinned collector version appear. No otelcol binary is
// available here, so these checks stand in for `otelcol validate`.
import type { StackConfig } from "../../config";
import { STACKS } from "../../lib/stack-file";
import {
  collectorTiers,
  componentType,
  memoryBudget,
  needsLoadBalancing,
  serviceHost,
  type CollectorConfig,
  type CollectorTier,
} from "../../render/collector-config";
import { testStackConfig } from "../stack-config";

/** Component types of the pinned collector 0.158 (contrib image), per kind (opentelemetry-collector-releases v0.158.0, distributions/otelcol-contrib/manifest.yaml). */
const ALLOWED: Record<string, string[]> = {
  receivers: ["otlp"],
  processors: ["memory_limiter", "k8s_attributes", "resource_detection", "tail_sampling", "batch"],
  exporters: ["otlp_grpc", "otlp_http", "load_balancing", "prometheus"],
  connectors: ["span_metrics", "forward"],
  extensions: ["health_check"],
};
/** Pre-2026 names (deprecated aliases or removed components) that must not appear. */
const DEPRECATED = ["otlphttp", "k8sattributes", "resourcedetection", "loadbalancing", "spanmetrics", "tailsampling", "memorylimiter", "jaeger", "logging"];
/** The specified order of processors within a pipeline. */
const ORDER = ["memory_limiter", "k8s_attributes", "resource_detection", "tail_sampling", "batch"];

const KINDS = ["receivers", "processors", "exporters", "connectors", "extensions"] as const;

function used(cfg: CollectorConfig): Record<(typeof KINDS)[number], Set<string>> {
  const pipelines = Object.values(cfg.service.pipelines);
  const connectors = new Set(Object.keys(cfg.connectors));
  const receivers = pipelines.flatMap((p) => p.receivers);
  const exporters = pipelines.flatMap((p) => p.exporters);
  return {
    receivers: new Set(receivers.filter((r) => !connectors.has(r))),
    processors: new Set(pipelines.flatMap((p) => p.processors)),
    exporters: new Set(exporters.filter((e) => !connectors.has(e))),
    connectors: new Set([...receivers, ...exporters].filter((x) => connectors.has(x))),
    extensions: new Set(cfg.service.extensions),
  };
}

const variants: { name: string; config: StackConfig }[] = [
  ...STACKS.map((stack) => ({ name: stack, config: testStackConfig(stack) })),
  {
    name: "tail sampling on one replica",
    config: testStackConfig("prod", { tracing: (t) => {
      (t.collector as Record<string, unknown>).replicas = 1;
    } }),
  },
  {
    name: "keep-all on three replicas",
    config: testStackConfig("staging", { tracing: (t) => {
      (t.collector as Record<string, unknown>).replicas = 3;
    } }),
  },
];

const cases: [string, CollectorTier, StackConfig][] = variants.flatMap((v) =>
  collectorTiers(v.config).map((t) => [`${v.name} / ${t.release}`, t, v.config] as [string, CollectorTier, StackConfig]),
);

describe.each(cases)("collector config %s", (_name, tier, c) => {
  const cfg = tier.config;

  test.each(KINDS)("every %s defined is used and every one used is defined", (kind) => {
    expect([...used(cfg)[kind]].sort()).toEqual(Object.keys(cfg[kind]).sort());
  });

  test("component names are valid for collector 0.158 and none is a deprecated alias", () => {
    for (const kind of KINDS) {
      for (const id of Object.keys(cfg[kind])) {
        expect(ALLOWED[kind]).toContain(componentType(id));
        expect(DEPRECATED).not.toContain(componentType(id));
      }
    }
    // The bare `otlp` type is the receiver; as an exporter it is the deprecated alias of otlp_grpc.
    for (const id of Object.keys(cfg.exporters)) expect(componentType(id)).not.toBe("otlp");
  });

  test("each pipeline has a receiver and an exporter", () => {
    for (const [name, p] of Object.entries(cfg.service.pipelines)) {
      expect({ name, receivers: p.receivers.length > 0, exporters: p.exporters.length > 0 }).toEqual({ name, receivers: true, exporters: true });
      expect(["traces", "metrics", "logs"]).toContain(componentType(name));
    }
  });

  test("processors run in the specified order, memory_limiter first after a receiver", () => {
    for (const p of Object.values(cfg.service.pipelines)) {
      const known = p.processors.filter((x) => ORDER.includes(x));
      expect(known).toEqual([...known].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
      if (p.receivers.includes("otlp")) expect(p.processors[0]).toBe("memory_limiter");
      expect(new Set(p.processors).size).toBe(p.processors.length);
    }
  });

  test("connectors join pipelines of the right signals", () => {
    for (const [name, p] of Object.entries(cfg.service.pipelines)) {
      const signal = componentType(name);
      for (const e of p.exporters.filter((x) => x in cfg.connectors)) {
        // span_metrics: traces -> metrics; forward: traces -> traces.
        expect(signal).toBe("traces");
        const consumers = Object.entries(cfg.service.pipelines).filter(([, q]) => q.receivers.includes(e));
        expect(consumers.length).toBeGreaterThan(0);
        for (const [consumer] of consumers) expect(componentType(consumer)).toBe(componentType(e) === "span_metrics" ? "metrics" : "traces");
      }
    }
  });

  test("health_check and the collector's own metrics are configured", () => {
    expect(cfg.service.extensions).toContain("health_check");
    expect(JSON.stringify(cfg.service.telemetry)).toContain('"port":8888');
  });

  test("memory_limiter is consistent with GOMEMLIMIT and the container limit", () => {
    const ml = cfg.processors.memory_limiter as { limit_mib: number; spike_limit_mib: number };
    expect(ml).toBeDefined();
    const b = memoryBudget(c);
    expect(ml.limit_mib).toBe(b.limitMib);
    // GOMEMLIMIT (Go's soft limit) sits at or below the limiter's soft limit, the hard limit below the container's.
    expect(b.goMemLimitMib).toBeLessThanOrEqual(ml.limit_mib - ml.spike_limit_mib);
    expect(ml.limit_mib).toBeLessThan(b.containerMib);
    expect(ml.spike_limit_mib).toBeGreaterThan(0);
  });
});

describe.each(variants)("topology of $name", ({ config: c }) => {
  const tiers = collectorTiers(c);
  const all = tiers.map((t) => t.config);
  const pipelines = all.flatMap((cfg) => Object.entries(cfg.service.pipelines).map(([name, p]) => ({ cfg, name, p })));

  test("span metrics are computed from the pipeline that receives from apps, before any sampling", () => {
    const feeding = pipelines.filter(({ p }) => p.exporters.includes("span_metrics"));
    expect(feeding).toHaveLength(1);
    const [{ p }] = feeding;
    expect(p.receivers).toEqual(["otlp"]);
    expect(p.processors).not.toContain("tail_sampling");
    expect(tiers[0].config.service.pipelines).toHaveProperty(feeding[0].name);
    // Exposed to Prometheus.
    const metrics = pipelines.find(({ p: q }) => q.receivers.includes("span_metrics"));
    expect(metrics?.p.exporters).toEqual(["prometheus"]);
  });

  test("the traces that reach Jaeger went through tail sampling exactly when the policy is tail", () => {
    const toJaeger = pipelines.filter(({ p }) => p.exporters.some((e) => componentType(e) === "otlp_grpc"));
    expect(toJaeger).toHaveLength(1);
    const sampled = toJaeger[0].p.processors.includes("tail_sampling");
    expect(sampled).toBe(c.tracing.sampling.policy === "tail");
    expect(toJaeger[0].p.processors.at(-1)).toBe("batch");
    const exporter = toJaeger[0].cfg.exporters[toJaeger[0].p.exporters.find((e) => componentType(e) === "otlp_grpc")!] as { endpoint: string };
    expect(exporter.endpoint).toBe(`jaeger.${c.namespaces.tracing}.svc.cluster.local:4317`);
  });

  test("with tail sampling on several replicas, a load-balancing tier routes by trace ID to a headless sampler tier", () => {
    if (!needsLoadBalancing(c)) {
      expect(tiers).toHaveLength(1);
      for (const cfg of all) expect(Object.keys(cfg.exporters).map(componentType)).not.toContain("load_balancing");
      return;
    }
    expect(tiers.map((t) => t.role)).toEqual(["collector", "sampler"]);
    const [entry, sampler] = tiers;
    expect(entry.config.processors).not.toHaveProperty("tail_sampling");
    expect(sampler.headless).toBe(true);
    expect(sampler.entry).toBe(false);
    const lb = entry.config.exporters.load_balancing as { routing_key: string; resolver: { dns: { hostname: string; port: string } } };
    expect(lb.routing_key).toBe("traceID");
    // A string, as loadbalancingexporter's config declares it: collector 0.158's confmap decoder
    // (confmap/internal/decoder.go, WeaklyTypedInput: false) refuses a YAML number there at startup.
    expect(lb.resolver.dns).toMatchObject({ hostname: serviceHost(c, sampler.release), port: "4317" });
    expect(entry.config.service.pipelines.traces.exporters).toEqual(["span_metrics", "load_balancing"]);
    expect(sampler.config.service.pipelines.traces.processors).toEqual(["memory_limiter", "tail_sampling", "batch"]);
  });

  test("k8s_attributes runs only where apps connect (it associates pods by connection address)", () => {
    for (const t of tiers) expect("k8s_attributes" in t.config.processors).toBe(t.entry);
    expect((tiers[0].config.processors.resource_detection as { detectors: string[] }).detectors).toEqual(["gcp"]);
  });
});

describe("sampling policy per stack", () => {
  test("staging keeps every trace", () => {
    const c = testStackConfig("staging");
    expect(c.tracing.sampling.policy).toBe("keep-all");
    for (const t of collectorTiers(c)) expect(t.config.processors).not.toHaveProperty("tail_sampling");
  });

  test("prod keeps all errors, all slow traces and a baseline share of the rest", () => {
    const c = testStackConfig("prod");
    const s = c.tracing.sampling;
    if (s.policy !== "tail") throw new Error("prod must tail-sample");
    const sampler = collectorTiers(c).find((t) => "tail_sampling" in t.config.processors)!;
    const ts = sampler.config.processors.tail_sampling as { decision_wait: string; policies: Record<string, unknown>[] };
    expect(ts.decision_wait).toBe(s.decisionWait);
    expect(ts.policies).toEqual([
      { name: "keep-errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
      { name: "keep-slow", type: "latency", latency: { threshold_ms: s.slowThresholdMs } },
      { name: "baseline", type: "probabilistic", probabilistic: { sampling_percentage: s.baselinePercent } },
    ]);
    // Two replicas in prod: the load-balancing tier is required.
    expect(c.tracing.collector.replicas).toBeGreaterThan(1);
    expect(collectorTiers(c)).toHaveLength(2);
  });
});
