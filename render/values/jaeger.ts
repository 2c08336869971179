// Helm values of Jaeger v2 (jaegertracing/helm-charts `jaeger` chart 4.x: one all-in-one Deployment,
// v2 only). Jaeger's own config is passed as `userconfig`, a full replacement mounted as --config:
// merging `config` keeps the chart's default `memory:` backend beside the real one and Jaeger then
// stores in memory (jaegertracing/helm-charts#722).
import type { StackConfig } from "../../config";
import { JAEGER_CHART, TRACING_PORTS } from "../collector-config";

/** The Secret (created by the Tracing component from the Pulumi secret) holding the storage password. */
export const JAEGER_STORAGE_SECRET = { name: "jaeger-storage-credentials", key: "password" } as const;
export const JAEGER_PASSWORD_ENV = "JAEGER_STORAGE_PASSWORD";
/** What Jaeger's Elasticsearch maintenance tools (index cleaner, rollover, lookback) read the password from. */
export const ES_PASSWORD_ENV = "ES_PASSWORD";

const passwordFromSecret = (name: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: JAEGER_STORAGE_SECRET.name, key: JAEGER_STORAGE_SECRET.key } },
});
/** The PersistentVolumeClaim of the Badger store (created by the Tracing component). */
export const JAEGER_BADGER_PVC = "jaeger-badger";
const BADGER_MOUNT = "/badger";
const STORE = "primary_store";

type Storage = StackConfig["tracing"]["jaeger"]["storage"];
type SearchStorage = Extract<Storage, { type: "elasticsearch" | "opensearch" }>;

export function usesSearchBackend(storage: Storage): storage is SearchStorage {
  return storage.type === "elasticsearch" || storage.type === "opensearch";
}

function backend(storage: Storage): Record<string, unknown> {
  switch (storage.type) {
    case "memory":
      return { memory: { max_traces: storage.maxTraces } };
    case "badger":
      return {
        badger: {
          directories: { keys: `${BADGER_MOUNT}/keys`, values: `${BADGER_MOUNT}/values` },
          ephemeral: false,
          ttl: { spans: `${storage.retentionDays * 24}h` },
        },
      };
    case "elasticsearch":
    case "opensearch":
      return {
        [storage.type]: {
          server_urls: [storage.url],
          // Expanded by Jaeger (an OTel collector build) from the env var the chart sets from the Secret.
          auth: { basic: { username: storage.username, password: `\${env:${JAEGER_PASSWORD_ENV}}` } },
          // Jaeger's default daily indices (jaeger-span-YYYY-MM-DD) are what the index cleaner expects.
        },
      };
  }
}

/** Jaeger v2's own config: OTLP in, one storage backend, the query UI, health check and metrics. */
export function jaegerConfig(c: StackConfig) {
  return {
    service: {
      extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
      pipelines: { traces: { receivers: ["otlp"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
      telemetry: {
        resource: { "service.name": "jaeger" },
        metrics: { level: "detailed", readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: 8888 } } } }] },
        logs: { level: "info" },
      },
    },
    extensions: {
      // The chart's probes call /status on 13133.
      healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${TRACING_PORTS.health}`, status: { enabled: true, path: "/status" } } },
      jaeger_query: { storage: { traces: STORE } },
      jaeger_storage: { backends: { [STORE]: backend(c.tracing.jaeger.storage) } },
    },
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: `0.0.0.0:${TRACING_PORTS.otlpGrpc}` },
          http: { endpoint: `0.0.0.0:${TRACING_PORTS.otlpHttp}` },
        },
      },
    },
    processors: { batch: {} },
    exporters: { jaeger_storage_exporter: { trace_storage: STORE } },
  };
}

export function jaegerValues(c: StackConfig) {
  const storage = c.tracing.jaeger.storage;
  const search = usesSearchBackend(storage) ? storage : undefined;
  const badger = storage.type === "badger";
  return {
    fullnameOverride: JAEGER_CHART.release,
    userconfig: jaegerConfig(c),
    jaeger: {
      // Memory and Badger are single-process stores; the chart's strategy is Recreate.
      replicas: 1,
      service: { type: "ClusterIP" },
      ingress: { enabled: false },
      podSecurityContext: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
      extraEnv: search ? [passwordFromSecret(JAEGER_PASSWORD_ENV)] : [],
      extraVolumes: badger ? [{ name: "badger", persistentVolumeClaim: { claimName: JAEGER_BADGER_PVC } }] : [],
      extraVolumeMounts: badger ? [{ name: "badger", mountPath: BADGER_MOUNT }] : [],
    },
    // Read by the ES maintenance jobs only (the index cleaner). The chart has no way to take their
    // password from a Secret (storage.elasticsearch.password is plaintext in the CronJob, and there is no
    // existingSecret for Elasticsearch), so it is left unset here and each job gets ES_PASSWORD from the
    // Secret through its extraEnv.
    ...(search ? { storage: { type: "elasticsearch", elasticsearch: { url: search.url, user: search.username } } } : {}),
    // Elasticsearch/OpenSearch have no TTL in Jaeger: the index cleaner deletes indices older than retention.
    esIndexCleaner: search
      ? { enabled: true, numberOfDays: search.retentionDays, schedule: "55 23 * * *", extraEnv: [passwordFromSecret(ES_PASSWORD_ENV)] }
      : { enabled: false },
    esRollover: { enabled: false },
    esLookback: { enabled: false },
  };
}
