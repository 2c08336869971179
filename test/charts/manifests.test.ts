// What each release puts in the cluster, read from `helm template` of the pinned chart with exactly the
// values the components pass: the assertions are on the Kubernetes objects the chart produces, not on
// our values, so a value the chart ignores or renames fails here.
import { ALERTMANAGER_JOB } from "../../lib/identities";
import { STACKS } from "../../lib/stack-file";
import { CHARTS, IMAGE_PINS } from "../../render/charts";
import { collectorTiers, COLLECTOR_RELEASE, JAEGER_CHART } from "../../render/collector-config";
import { externalLabels, REMOTE_WRITE_URL_PLACEHOLDER } from "../../render/prometheus-config";
import { pdcAgentNetworkPolicy } from "../../render/pdc-agent";
import { PER_LICENSE_LABELS, queueConfig, REMOTE_WRITE_SECRET, REPLICA_LABEL, writeRelabelConfigs } from "../../render/remote-write";
import { blackboxModules, BLACKBOX_EXPORTER } from "../../render/values/blackbox";
import { ES_PASSWORD_ENV, JAEGER_BADGER_PVC, JAEGER_PASSWORD_ENV, JAEGER_STORAGE_SECRET, jaegerConfig } from "../../render/values/jaeger";
import { KUBE_PROMETHEUS_STACK } from "../../render/values/kube-prometheus-stack";
import { parse } from "yaml";
import { testStackConfig } from "../stack-config";
import { containers, podSpec, renderReleases, WORKLOAD_KINDS } from "./render";

const KPS = KUBE_PROMETHEUS_STACK.release;

describe.each(STACKS)("%s: rendered releases", (stack) => {
  const c = testStackConfig(stack);
  const rendered = renderReleases(c);

  test("every release is the pinned chart, and says so on its objects (vendored subcharts carry their own)", () => {
    for (const r of rendered.releases) {
      const charts = r.objects.map((o) => o.metadata.labels?.["helm.sh/chart"] ?? o.metadata.labels?.chart).filter((l): l is string => !!l);
      const own = charts.filter((l) => l.replace(/-[^-]+$/, "") === r.spec.chart.chart);
      expect(own.length).toBeGreaterThan(0);
      expect(new Set(own)).toEqual(new Set([`${r.spec.chart.chart}-${r.spec.chart.version}`]));
    }
  });

  test("every container image has an explicit tag, none of them latest", () => {
    const images = rendered.releases.flatMap((r) => r.objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).flatMap((o) => containers(o).map((x) => x.image as string)));
    expect(images.length).toBeGreaterThan(5);
    for (const image of images) expect(image).toMatch(/^[^@]+:(?!latest$)[\w.-]+(@sha256:[0-9a-f]{64})?$/);
  });

  describe("kube-prometheus-stack", () => {
    const prometheus = rendered.one("Prometheus", KPS) as any;
    const alertmanager = rendered.one("Alertmanager", KPS) as any;

    test("Prometheus 3 from the chart's defaults; Alertmanager at the pinned release with the inhibition fix, as the operator's version too", () => {
      expect(prometheus.spec.version).toMatch(/^v3\.\d+\.\d+/);
      const pin = IMAGE_PINS.alertmanager;
      expect(alertmanager.spec.image).toBe(`${pin.registry}/${pin.repository}:${pin.tag}`);
      expect(alertmanager.spec.version).toBe(pin.tag);
    });

    test("the Prometheus CR selects every ServiceMonitor, PodMonitor, Probe and PrometheusRule of every namespace", () => {
      for (const kind of ["serviceMonitor", "podMonitor", "probe", "rule"]) {
        expect(prometheus.spec[`${kind}Selector`]).toEqual({});
        expect(prometheus.spec[`${kind}NamespaceSelector`]).toEqual({});
      }
    });

    test("with the stack's replicas, retention, intervals, external labels and storage", () => {
      expect(prometheus.spec).toMatchObject({
        replicas: c.prometheus.replicas,
        retention: c.prometheus.retention,
        retentionSize: c.prometheus.retentionSize,
        scrapeInterval: c.prometheus.scrapeInterval,
        evaluationInterval: c.prometheus.evaluationInterval,
        externalLabels: externalLabels(c),
        resources: c.prometheus.resources,
      });
      expect(prometheus.spec.storage.volumeClaimTemplate.spec).toMatchObject({
        storageClassName: c.prometheus.storageClass,
        resources: { requests: { storage: c.prometheus.storageSize } },
      });
    });

    test("one remote write of the long-term metrics: allowlist then per-license drop, the queue of the config, credentials from the Secret", () => {
      expect(prometheus.spec.remoteWrite).toEqual([
        {
          name: "long-term",
          url: REMOTE_WRITE_URL_PLACEHOLDER,
          writeRelabelConfigs: writeRelabelConfigs(c).map((r) => ({ sourceLabels: r.source_labels, regex: r.regex, action: r.action, ...("separator" in r ? { separator: r.separator } : {}) })),
          queueConfig: {
            capacity: c.longTermMetrics.queue.capacity,
            minShards: c.longTermMetrics.queue.minShards,
            maxShards: c.longTermMetrics.queue.maxShards,
            maxSamplesPerSend: c.longTermMetrics.queue.maxSamplesPerSend,
            batchSendDeadline: queueConfig(c).batch_send_deadline,
            minBackoff: c.longTermMetrics.queue.minBackoff,
            maxBackoff: c.longTermMetrics.queue.maxBackoff,
          },
          basicAuth: { username: { name: REMOTE_WRITE_SECRET, key: "username" }, password: { name: REMOTE_WRITE_SECRET, key: "password" } },
        },
      ]);
      const drops = prometheus.spec.remoteWrite[0].writeRelabelConfigs.filter((r: { action: string }) => r.action === "drop").map((r: { sourceLabels: string[] }) => r.sourceLabels[0]);
      expect(drops).toEqual([...PER_LICENSE_LABELS]);
    });

    // The Operator adds the replica label (the pod name) and the prometheus label to the external
    // labels and drops the replica label from alerts (prometheus-operator pkg/prometheus/promcfg.go).
    test("the replica external label is the one Mimir's HA tracker reads, beside the cluster label", () => {
      expect(prometheus.spec.replicaExternalLabelName).toBe(REPLICA_LABEL);
      expect(REPLICA_LABEL).toBe("__replica__");
      expect(prometheus.spec.externalLabels.cluster).toBe(c.cluster.name);
    });

    test("Alertmanager reads this stack's Secret, not a config the chart generates", () => {
      expect(alertmanager.spec.configSecret).toBe(KUBE_PROMETHEUS_STACK.alertmanagerSecret);
      expect(alertmanager.spec.replicas).toBe(c.alertmanager.replicas);
      expect(rendered.objects("Secret", KPS).map((s) => s.metadata.name)).not.toContain(`alertmanager-${alertmanager.metadata.name}`);
    });

    test(`the Alertmanagers' metrics carry job="${ALERTMANAGER_JOB}", the job the Watchdog reads`, () => {
      // The ServiceMonitor sets no jobLabel, so the Operator names the job after the Service it
      // selects; the chart's own Alertmanager rules read the same job.
      const monitor = rendered.objects("ServiceMonitor", KPS).find((m) => m.metadata.name === ALERTMANAGER_JOB) as any;
      expect(monitor).toBeDefined();
      expect(monitor.spec.jobLabel).toBeUndefined();
      const service = rendered.objects("Service", KPS).find((svc) => svc.metadata.name === ALERTMANAGER_JOB) as any;
      expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
      const chartRules = JSON.stringify(rendered.objects("PrometheusRule", KPS));
      expect(chartRules).toContain(`alertmanager_notifications_failed_total{job=\\"${ALERTMANAGER_JOB}\\"`);
    });

    test("nothing scrapes what GKE does not expose (scheduler, controller manager, etcd, CoreDNS; kube-proxy on Dataplane V2)", () => {
      const scraped = rendered.objects("ServiceMonitor", KPS).map((m) => m.metadata.name);
      expect(scraped.sort()).toEqual(["kps-alertmanager", "kps-apiserver", "kps-kubelet", "kps-operator", "kps-prometheus", "kube-state-metrics", "node-exporter"]);
      expect(c.cluster.dataplaneV2).toBe(true);
      const services = rendered.objects("Service", KPS).map((s) => s.metadata.name);
      for (const hidden of ["kube-scheduler", "kube-controller-manager", "kube-etcd", "kube-proxy", "coredns"]) {
        expect(services.filter((s) => s.includes(hidden))).toEqual([]);
      }
    });

    test("a cluster with kube-proxy (no Dataplane V2) scrapes it", () => {
      const legacy = renderReleases(testStackConfig(stack, { cluster: (s) => (s.dataplaneV2 = false) }));
      expect(legacy.objects("ServiceMonitor", KPS).map((m) => m.metadata.name)).toContain("kps-kube-proxy");
    });

    test("CRDs are upgraded before every install, upgrade and rollback, by server-side apply of the chart's own CRDs", () => {
      const job = rendered.objects("Job", KPS).find((j) => j.metadata.name.endsWith("crds-upgrade"));
      expect(job).toBeDefined();
      expect(job!.metadata.annotations?.["helm.sh/hook"]).toBe("pre-install,pre-upgrade,pre-rollback");
      const kubectl = containers(job!).find((x) => x.name === "kubectl")!;
      expect(kubectl.args).toEqual(expect.arrayContaining(["apply", "--server-side", "--force-conflicts"]));
      // The bundle it applies is rendered from the chart into a ConfigMap the job mounts.
      const bundle = podSpec(job!).volumes.find((v: any) => v.name === "crds");
      const configMap = rendered.one("ConfigMap", KPS, bundle.configMap.name) as any;
      expect(Buffer.from(configMap.binaryData["crds.bz2"], "base64").subarray(0, 3).toString()).toBe("BZh");
    });

    test("as the CRD job also runs on rollback, with the previous chart's CRDs, a failed upgrade of this release never rolls back", () => {
      const job = rendered.objects("Job", KPS).find((j) => j.metadata.name.endsWith("crds-upgrade"))!;
      const hooks = String(job.metadata.annotations?.["helm.sh/hook"]).split(",");
      const spec = rendered.release(KUBE_PROMETHEUS_STACK.release).spec;
      expect(hooks.includes("pre-rollback") ? spec.atomic : true).toBe(false);
      // Every other release has no hook that runs on rollback: those roll back atomically.
      for (const r of rendered.releases.filter((x) => x.spec !== spec)) {
        const rollbackHooks = r.objects.filter((o) => String(o.metadata.annotations?.["helm.sh/hook"] ?? "").includes("rollback"));
        expect({ release: r.spec.release, atomic: r.spec.atomic, rollbackHooks: rollbackHooks.length }).toEqual({ release: r.spec.release, atomic: true, rollbackHooks: 0 });
      }
    });
  });

  test("the blackbox exporter runs our probe module", () => {
    const cm = rendered.objects("ConfigMap", BLACKBOX_EXPORTER.release);
    expect(cm).toHaveLength(1);
    expect(parse((cm[0] as any).data["blackbox.yaml"]).modules).toEqual(JSON.parse(JSON.stringify(blackboxModules(c))));
  });

  describe("OpenTelemetry Collector", () => {
    test.each(collectorTiers(c).map((t) => [t.release, t] as const))("%s runs the pinned contrib image with exactly the rendered config", (release, tier) => {
      const deployment = rendered.one("Deployment", release);
      const [collector] = containers(deployment);
      expect(collector.image).toBe(`otel/opentelemetry-collector-contrib:${CHARTS.openTelemetryCollector.appVersion}`);
      expect(collector.command[0]).toBe("/otelcol-contrib");
      const configMap = rendered.objects("ConfigMap", release).find((m) => (m as any).data?.relay) as any;
      expect(parse(configMap.data.relay)).toEqual(JSON.parse(JSON.stringify(tier.config)));
      expect((deployment.spec as any).replicas).toBe(tier.replicas);
    });

    test("the entry tier is reachable under the name the stack outputs", () => {
      expect(rendered.one("Service", COLLECTOR_RELEASE, COLLECTOR_RELEASE)).toBeDefined();
    });
  });

  describe("Jaeger", () => {
    const deployment = rendered.one("Deployment", JAEGER_CHART.release);
    const [jaeger] = containers(deployment);
    const storage = c.tracing.jaeger.storage;

    test("the PDC agent's egress reaches Jaeger query: its pods' labels, a port Jaeger listens on", () => {
      const [, , , toJaeger] = pdcAgentNetworkPolicy(c).spec.egress;
      const selector = (toJaeger.to![0] as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels;
      const labels = (deployment.spec as any).template.metadata.labels;
      for (const [k, v] of Object.entries(selector)) expect(labels[k]).toBe(v);
      expect(deployment.metadata.namespace ?? c.namespaces.tracing).toBe(c.namespaces.tracing);
      const ports = (jaeger.ports ?? []).map((p: { containerPort: number }) => p.containerPort);
      expect(ports).toContain(toJaeger.ports[0].port);
    });

    test("runs the pinned Jaeger with our config", () => {
      expect(jaeger.image).toBe(`jaegertracing/jaeger:${CHARTS.jaeger.appVersion}`);
      const config = rendered.one("ConfigMap", JAEGER_CHART.release, "user-config") as any;
      expect(parse(config.data["user-config.yaml"])).toEqual(JSON.parse(JSON.stringify(jaegerConfig(c))));
    });

    if (storage.type === "badger") {
      test("Badger writes into the mounted volume, as the user that owns it", () => {
        const badger = (jaegerConfig(c).extensions.jaeger_storage.backends.primary_store as any).badger.directories;
        const volume = podSpec(deployment).volumes.find((v: any) => v.persistentVolumeClaim?.claimName === JAEGER_BADGER_PVC);
        expect(volume).toBeDefined();
        const mount = jaeger.volumeMounts.find((m: any) => m.name === volume.name);
        expect(mount).toBeDefined();
        for (const dir of [badger.keys, badger.values]) expect(dir.startsWith(`${mount.mountPath}/`)).toBe(true);
        // fsGroup makes the volume writable by the non-root user Jaeger runs as.
        expect(podSpec(deployment).securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001 });
      });
    } else if (storage.type === "elasticsearch" || storage.type === "opensearch") {
      const fromSecret = { secretKeyRef: { name: JAEGER_STORAGE_SECRET.name, key: JAEGER_STORAGE_SECRET.key } };

      test("Jaeger itself reads the storage password from the Secret", () => {
        expect(jaeger.env).toContainEqual({ name: JAEGER_PASSWORD_ENV, valueFrom: fromSecret });
      });

      test("every Elasticsearch maintenance job logs in with the Secret's password, and none has one in plaintext", () => {
        const clients = rendered
          .objects("CronJob", JAEGER_CHART.release)
          .concat(rendered.objects("Job", JAEGER_CHART.release))
          .flatMap(containers)
          .filter((x) => (x.env ?? []).some((e: any) => e.name === "ES_SERVER_URLS"));
        expect(clients.length).toBeGreaterThanOrEqual(1);
        for (const client of clients) {
          expect(client.env).toContainEqual({ name: ES_PASSWORD_ENV, valueFrom: fromSecret });
          expect(client.env).toContainEqual({ name: "ES_USERNAME", value: storage.username });
          expect(client.env.filter((e: any) => e.name === ES_PASSWORD_ENV && "value" in e)).toEqual([]);
        }
      });

      test("the index cleaner deletes indices past the retention", () => {
        const cleaner = rendered.objects("CronJob", JAEGER_CHART.release).find((j) => j.metadata.name.endsWith("es-index-cleaner"))!;
        expect(containers(cleaner)[0].args.slice(0, 2)).toEqual([String(storage.retentionDays), storage.url]);
      });
    }
  });
});
