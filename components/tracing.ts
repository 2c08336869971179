// Traces: the OpenTelemetry Collector tier(s) apps export OTLP to, and Jaeger v2 that stores and
// shows the sampled traces. Configs and Helm values come from render/; this only wraps them.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { collectorTiers, JAEGER_CHART, TRACING_PORTS } from "../render/collector-config";
import { jaegerServiceMonitor } from "../render/custom-resources";
import { collectorReleases, jaegerRelease } from "../render/releases";
import { JAEGER_BADGER_PVC, JAEGER_STORAGE_SECRET, usesSearchBackend } from "../render/values/jaeger";
import { pinnedRelease } from "./helm-release";

export interface TracingArgs {
  config: StackConfig;
  /** Password of the Elasticsearch/OpenSearch user; required when that is the storage. */
  jaegerStoragePassword?: pulumi.Input<string>;
}

export class Tracing extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** OTLP/gRPC endpoint for OTEL_EXPORTER_OTLP_ENDPOINT (protocol grpc). */
  readonly otlpGrpcEndpoint: pulumi.Output<string>;
  /** OTLP/HTTP endpoint for OTEL_EXPORTER_OTLP_ENDPOINT (protocol http/protobuf). */
  readonly otlpHttpEndpoint: pulumi.Output<string>;
  /** Jaeger's query UI and API, in-cluster (also the Grafana Jaeger data source URL). */
  readonly jaegerQueryUrl: pulumi.Output<string>;

  constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:Tracing", name, {}, opts);
    const c = args.config;
    const storage = c.tracing.jaeger.storage;
    const child = { parent: this };

    // Protected: changing namespaces.tracing would replace it and every release in it (a Release's
    // name and namespace force a replacement, and the new one, installed beside the old, fails on
    // their cluster-scoped objects), deleting its volumes with it. The engine refuses to replace a
    // protected resource while planning, in the preview, before any step runs (docs/charts.md says
    // how to move it).
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: c.namespaces.tracing } }, { ...child, protect: true });
    const ns = namespace.metadata.name;

    const jaegerDeps: pulumi.Resource[] = [];
    if (usesSearchBackend(storage)) {
      if (args.jaegerStoragePassword === undefined) {
        throw new Error(`Tracing: jaegerStoragePassword is required when tracing.jaeger.storage.type is ${storage.type}`);
      }
      jaegerDeps.push(
        new k8s.core.v1.Secret(
          `${name}-jaeger-storage-credentials`,
          {
            metadata: { name: JAEGER_STORAGE_SECRET.name, namespace: ns },
            type: "Opaque",
            stringData: { [JAEGER_STORAGE_SECRET.key]: pulumi.secret(args.jaegerStoragePassword) },
          },
          child,
        ),
      );
    }
    if (storage.type === "badger") {
      jaegerDeps.push(
        new k8s.core.v1.PersistentVolumeClaim(
          `${name}-jaeger-badger`,
          {
            metadata: { name: JAEGER_BADGER_PVC, namespace: ns },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: storage.storageClass,
              resources: { requests: { storage: storage.size } },
            },
          },
          child,
        ),
      );
    }

    const jaeger = pinnedRelease(`${name}-jaeger`, jaegerRelease(c), ns, { ...child, dependsOn: jaegerDeps });

    // Jaeger's own metrics (spans received/stored, storage latency); the chart has no ServiceMonitor for v2.
    new k8s.apiextensions.CustomResource(`${name}-jaeger-servicemonitor`, jaegerServiceMonitor(c), { ...child, dependsOn: [jaeger] });

    // Samplers first, so the entry tier's load_balancing exporter resolves them from its start.
    let downstream: pulumi.Resource[] = [jaeger];
    for (const spec of [...collectorReleases(c)].reverse()) {
      downstream = [pinnedRelease(`${name}-${spec.release}`, spec, ns, { ...child, dependsOn: downstream })];
    }

    const host = (service: string) => pulumi.interpolate`${service}.${ns}.svc.cluster.local`;
    const collectorHost = host(collectorTiers(c)[0].release);
    this.namespace = ns;
    this.otlpGrpcEndpoint = pulumi.interpolate`http://${collectorHost}:${TRACING_PORTS.otlpGrpc}`;
    this.otlpHttpEndpoint = pulumi.interpolate`http://${collectorHost}:${TRACING_PORTS.otlpHttp}`;
    this.jaegerQueryUrl = pulumi.interpolate`http://${host(JAEGER_CHART.release)}:${TRACING_PORTS.jaegerQuery}`;
    this.registerOutputs({
      namespace: this.namespace,
      otlpGrpcEndpoint: this.otlpGrpcEndpoint,
      otlpHttpEndpoint: this.otlpHttpEndpoint,
      jaegerQueryUrl: this.jaegerQueryUrl,
    });
  }
}
