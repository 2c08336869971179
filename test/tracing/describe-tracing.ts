// What the Tracing component must register in every stack, asserted on the real program under mocks.
import type { StackName } from "../../lib/stack-file";
import { CHARTS } from "../../render/charts";
import { collectorTiers, otlpEndpoints, jaegerQueryUrl } from "../../render/collector-config";
import { allStrings, plaintextInputs, SECRET_VALUES, TEST_SECRETS, type ProgramRun, type RecordedResource } from "../harness";
import { testStackConfig } from "../stack-config";

export const T = {
  release: "kubernetes:helm.sh/v3:Release",
  secret: "kubernetes:core/v1:Secret",
  namespace: "kubernetes:core/v1:Namespace",
  pvc: "kubernetes:core/v1:PersistentVolumeClaim",
  serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
  component: "coditect:monitoring:Tracing",
} as const;

/** Tracing's resources: the component and everything registered under it. */
export function tracingResources(run: ProgramRun): RecordedResource[] {
  return run.resources.filter((r) => r.type === T.component || r.name.startsWith("tracing-"));
}

export function describeTracing(stack: StackName, run: () => ProgramRun) {
  const c = testStackConfig(stack);
  const ns = c.namespaces.tracing;

  describe(`${stack}: tracing`, () => {
    test("one Tracing component with its namespace", () => {
      expect(run().ofType(T.component).map((r) => r.name)).toEqual(["tracing"]);
      expect(run().get(T.namespace, "tracing-namespace").inputs.metadata.name).toBe(ns);
    });

    test("the Jaeger release is pinned, in the tracing namespace, ClusterIP only, with the stack's storage", () => {
      const jaeger = run().get(T.release, "tracing-jaeger").inputs;
      expect(jaeger).toMatchObject({ chart: "jaeger", version: CHARTS.jaeger.version, namespace: ns, name: "jaeger" });
      expect(jaeger.repositoryOpts.repo).toBe("https://jaegertracing.github.io/helm-charts");
      expect(jaeger.values.jaeger.service.type).toBe("ClusterIP");
      expect(jaeger.values.jaeger.ingress.enabled).toBe(false);
      const backends = jaeger.values.userconfig.extensions.jaeger_storage.backends;
      expect(Object.keys(backends.primary_store)).toEqual([c.tracing.jaeger.storage.type]);
      // No collector `jaeger` exporter anywhere: OTLP into Jaeger v2.
      expect(jaeger.values.userconfig.receivers).toEqual({ otlp: expect.any(Object) });
    });

    test("collector releases are pinned, mode deployment, image and command pinned, config = the rendered one", () => {
      const tiers = collectorTiers(c);
      const releases = run().ofType(T.release).filter((r) => r.inputs.chart === "opentelemetry-collector");
      expect(releases.map((r) => r.inputs.name).sort()).toEqual(tiers.map((t) => t.release).sort());
      for (const tier of tiers) {
        const r = run().get(T.release, `tracing-${tier.release}`).inputs;
        expect(r).toMatchObject({ version: CHARTS.openTelemetryCollector.version, namespace: ns, name: tier.release });
        expect(r.repositoryOpts.repo).toBe("https://open-telemetry.github.io/opentelemetry-helm-charts");
        const v = r.values;
        expect(v.mode).toBe("deployment");
        // No tag: the chart's appVersion, so the image moves with the chart pin.
        expect(v.image).toEqual({ repository: "otel/opentelemetry-collector-contrib" });
        expect(v.command.name).toBe("otelcol-contrib");
        expect(v.replicaCount).toBe(c.tracing.collector.replicas);
        expect(v.resources).toEqual(c.tracing.collector.resources);
        expect(v.service.type).toBe("ClusterIP");
        expect(v.alternateConfig).toEqual(JSON.parse(JSON.stringify(tier.config)));
        expect(v.ports.metrics).toMatchObject({ enabled: true, containerPort: 8888 });
        expect(v.serviceMonitor.enabled).toBe(true);
        expect(v.serviceMonitor.metricsEndpoints.map((e: { port: string }) => e.port)).toEqual(tier.spanMetrics ? ["metrics", "span-metrics"] : ["metrics"]);
        expect(v.useGOMEMLIMIT).toBe(false);
        expect(v.extraEnvs).toEqual([{ name: "GOMEMLIMIT", value: expect.stringMatching(/^\d+MiB$/) }]);
        for (const legacy of ["jaeger-compact", "jaeger-thrift", "jaeger-grpc", "zipkin"]) expect(v.ports[legacy].enabled).toBe(false);
      }
    });

    test("a ServiceMonitor scrapes Jaeger's own metrics in the tracing namespace", () => {
      const sm = run().get(T.serviceMonitor, "tracing-jaeger-servicemonitor").inputs;
      expect(sm.metadata.namespace).toBe(ns);
      expect(sm.spec.endpoints[0].port).toBe("internal-metrics");
    });

    test("outputs: OTLP gRPC and HTTP endpoints and the Jaeger query URL, in-cluster", () => {
      const out = run().outputs;
      expect(out.otlpGrpcEndpoint).toBe(otlpEndpoints(c).grpc);
      expect(out.otlpHttpEndpoint).toBe(otlpEndpoints(c).http);
      expect(out.jaegerQueryUrl).toBe(jaegerQueryUrl(c));
      expect(out.otlpGrpcEndpoint).toBe(`http://otel-collector.${ns}.svc.cluster.local:4317`);
      expect(out.otlpHttpEndpoint).toBe(`http://otel-collector.${ns}.svc.cluster.local:4318`);
      expect(out.jaegerQueryUrl).toBe(`http://jaeger.${ns}.svc.cluster.local:16686`);
    });

    test("every tracing resource is parented by the component and uses the GKE provider", () => {
      for (const r of tracingResources(run()).filter((r) => r.type.startsWith("kubernetes:"))) {
        expect(r.provider ?? "").toContain("gke");
      }
    });

    test("no secret in plaintext in any tracing input, nor anywhere in Helm values", () => {
      for (const r of tracingResources(run())) {
        for (const s of plaintextInputs(r)) for (const secret of SECRET_VALUES) expect(s.value.includes(secret) ? `${r.name} ${s.path}` : "").toBe("");
      }
      for (const r of run().ofType(T.release).filter((x) => x.name.startsWith("tracing-"))) {
        expect(r.secretPaths).toEqual([]);
        for (const s of allStrings(r.inputs.values)) expect(s.value).not.toContain(TEST_SECRETS.jaegerStoragePassword);
      }
    });
  });
}
