// Tracing in the staging stack under mocks: keep every trace, one collector tier, Jaeger on Badger.
import { runProgram, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";
import { describeTracing, T } from "./describe-tracing";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("staging");
});

describeTracing("staging", () => run);

describe("staging tracing keeps everything on a small footprint", () => {
  const c = testStackConfig("staging");

  test("one collector tier that keeps every trace (no tail sampling, no load balancing)", () => {
    const collectors = run.ofType(T.release).filter((r) => r.inputs.chart === "opentelemetry-collector");
    expect(collectors.map((r) => r.name)).toEqual(["tracing-otel-collector"]);
    const cfg = collectors[0].inputs.values.alternateConfig;
    expect(cfg.processors).not.toHaveProperty("tail_sampling");
    expect(cfg.exporters).not.toHaveProperty("load_balancing");
    expect(cfg.service.pipelines.traces.exporters).toEqual(["span_metrics", "otlp_grpc/jaeger"]);
  });

  test("Jaeger stores on Badger with a persistent volume and the configured TTL; no ES secret, no index cleaner", () => {
    const storage = c.tracing.jaeger.storage;
    if (storage.type !== "badger") throw new Error("staging is expected to use badger");
    const values = run.get(T.release, "tracing-jaeger").inputs.values;
    const badger = values.userconfig.extensions.jaeger_storage.backends.primary_store.badger;
    expect(badger.ephemeral).toBe(false);
    expect(badger.ttl.spans).toBe(`${storage.retentionDays * 24}h`);
    const pvc = run.get(T.pvc, "tracing-jaeger-badger").inputs;
    expect(pvc.spec.resources.requests.storage).toBe(storage.size);
    expect(pvc.spec.storageClassName).toBe(storage.storageClass);
    expect(values.jaeger.extraVolumes).toEqual([{ name: "badger", persistentVolumeClaim: { claimName: pvc.metadata.name } }]);
    expect(values.jaeger.extraVolumeMounts[0].mountPath).toBe("/badger");
    expect(values.jaeger.replicas).toBe(1);
    expect(values.esIndexCleaner.enabled).toBe(false);
    expect(run.ofType(T.secret).filter((s) => s.name.startsWith("tracing-"))).toEqual([]);
  });
});
