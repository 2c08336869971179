// Tracing in the prod stack under mocks: tail sampling behind a load-balancing tier, Jaeger on
// Elasticsearch with the password in a Kubernetes Secret and an index cleaner for retention.
import { NAMESPACE } from "../../config";
import { plaintextInputs, runProgram, TEST_SECRETS, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";
import { describeTracing, T } from "./describe-tracing";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("prod");
});

describeTracing("prod", () => run);

describe("prod tracing samples at the tail and stores in Elasticsearch", () => {
  const c = testStackConfig("prod");
  const storage = c.tracing.jaeger.storage;
  if (storage.type !== "elasticsearch" && storage.type !== "opensearch") throw new Error("prod is expected to use a search backend");

  test("two collector tiers: the entry tier load-balances by trace ID to a headless sampler tier", () => {
    const entry = run.get(T.release, "tracing-otel-collector").inputs.values;
    const sampler = run.get(T.release, "tracing-otel-sampler").inputs.values;
    expect(entry.alternateConfig.exporters.load_balancing.routing_key).toBe("traceID");
    expect(entry.alternateConfig.exporters.load_balancing.resolver.dns.hostname).toBe(`otel-sampler.${c.namespaces.tracing}.svc.cluster.local`);
    expect(sampler.service).toEqual({ type: "ClusterIP", clusterIP: "None" });
    expect(sampler.alternateConfig.processors.tail_sampling.policies.map((p: { type: string }) => p.type)).toEqual(["status_code", "latency", "probabilistic"]);
    expect(sampler.replicaCount).toBe(c.tracing.collector.replicas);
    expect(entry.replicaCount).toBe(c.tracing.collector.replicas);
    // Only the entry tier needs to read pods for k8s_attributes.
    expect(entry.clusterRole.create).toBe(true);
    expect(sampler.clusterRole.create).toBe(false);
    expect(sampler.ports["otlp-http"].enabled).toBe(false);
  });

  test("the storage password is a Kubernetes Secret made from the Pulumi secret, and stays secret", () => {
    const secret = run.get(T.secret, "tracing-jaeger-storage-credentials");
    expect(secret.inputs.metadata).toMatchObject({ name: "jaeger-storage-credentials", namespace: c.namespaces.tracing });
    expect(secret.inputs.stringData.password).toBe(TEST_SECRETS.jaegerStoragePassword);
    // The password (or the whole stringData around it) is a secret input.
    expect(secret.secretPaths.some((p) => p === "stringData" || p === "stringData.password")).toBe(true);
    expect(plaintextInputs(secret).map((s) => s.value)).not.toContain(TEST_SECRETS.jaegerStoragePassword);
  });

  test("Jaeger reads the password from that Secret through an env var, never from plaintext values", () => {
    const values = run.get(T.release, "tracing-jaeger").inputs.values;
    const es = values.userconfig.extensions.jaeger_storage.backends.primary_store[storage.type];
    expect(es.server_urls).toEqual([storage.url]);
    expect(es.auth.basic).toEqual({ username: storage.username, password: "${env:JAEGER_STORAGE_PASSWORD}" });
    expect(values.jaeger.extraEnv).toEqual([
      { name: "JAEGER_STORAGE_PASSWORD", valueFrom: { secretKeyRef: { name: "jaeger-storage-credentials", key: "password" } } },
    ]);
    // Only the keys chart 4.11.1 reads; that every ES client gets the password from the Secret is
    // asserted on the rendered CronJob in test/charts/manifests.test.ts.
    expect(values.storage.elasticsearch).toEqual({ url: storage.url, user: storage.username });
    expect(JSON.stringify(values)).not.toContain(TEST_SECRETS.jaegerStoragePassword);
  });

  test("retention: the index cleaner deletes indices older than retentionDays", () => {
    const values = run.get(T.release, "tracing-jaeger").inputs.values;
    expect(values.esIndexCleaner).toMatchObject({ enabled: true, numberOfDays: storage.retentionDays });
    expect(run.ofType(T.pvc).filter((p) => p.name.startsWith("tracing-"))).toEqual([]);
  });

  test("without the storage password the preview fails naming the key, before any resource", async () => {
    const secrets = { ...TEST_SECRETS };
    delete secrets.jaegerStoragePassword;
    await expect(runProgram("prod", { secrets })).rejects.toThrow(`${NAMESPACE}:jaegerStoragePassword`);
  });
});
