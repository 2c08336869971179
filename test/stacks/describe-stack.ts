// What every stack must provision, asserted on the resource graph the real program registers.
import { AUTO_RESOLVE_NEVER } from "../../components/on-call";
import { SLACK_WEBHOOK_SECRETS } from "../../config";
import type { StackName } from "../../lib/stack-file";
import { CHARTS } from "../../render/charts";
import { managedPlacements } from "../../render/managed-prometheus";
import { renderRuleGroups } from "../../rules";
import { plaintextInputs, SECRET_VALUES, TEST_SECRETS, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";

export const T = {
  release: "kubernetes:helm.sh/v3:Release",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  rule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  serviceMonitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
  probe: "kubernetes:monitoring.coreos.com/v1:Probe",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  k8sProvider: "pulumi:providers:kubernetes",
  pdService: "pagerduty:index/service:Service",
  pdSchedule: "pagerduty:index/schedule:Schedule",
  pdEscalation: "pagerduty:index/escalationPolicy:EscalationPolicy",
  pdIntegration: "pagerduty:index/serviceIntegration:ServiceIntegration",
  pdTeam: "pagerduty:index/team:Team",
} as const;

export function describeStack(stack: StackName, run: () => ProgramRun) {
  const c = testStackConfig(stack);

  describe(`${stack}: shared guarantees`, () => {
    test("no secret appears in plaintext in any resource input or output", () => {
      for (const r of run().resources) {
        for (const s of plaintextInputs(r)) {
          for (const secret of SECRET_VALUES) {
            if (s.value.includes(secret)) throw new Error(`${r.type} ${r.name} has a secret in plaintext at ${s.path}`);
          }
        }
      }
      const outputs = JSON.stringify(run().outputs);
      for (const secret of SECRET_VALUES) expect(outputs).not.toContain(secret);
    });

    test("the cluster is reached with gke-gcloud-auth-plugin, the kubeconfig a secret", () => {
      const provider = run().get(T.k8sProvider, "gke");
      expect(provider.secretPaths).toContain("kubeconfig");
      expect(provider.inputs.kubeconfig).toContain("command: gke-gcloud-auth-plugin");
      expect(provider.inputs.kubeconfig).toContain("server: https://203.0.113.10");
    });

    test("every Kubernetes resource goes through the GKE provider", () => {
      const k8sResources = run().resources.filter((r) => r.type.startsWith("kubernetes:"));
      expect(k8sResources.length).toBeGreaterThan(5);
      for (const r of k8sResources) expect(r.provider).toMatch(/::gke::/);
    });

    test("every Helm release pins an exact chart version, keeps 10 revisions, and rolls back a failed upgrade but kube-prometheus-stack", () => {
      const releases = run().ofType(T.release);
      expect(releases.length).toBeGreaterThanOrEqual(2);
      for (const r of releases) {
        expect(r.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
        expect(r.inputs.maxHistory).toBe(10);
        expect(r.inputs.atomic).toBe(r.inputs.chart !== CHARTS.kubePrometheusStack.chart);
      }
    });

    test("Alertmanager's config lives in a Secret, as a secret, with the integration key and webhooks", () => {
      const secret = run().get(T.secret, "prometheus-alertmanager-config");
      expect(secret.secretPaths).toEqual(expect.arrayContaining(["stringData"]));
      const yaml: string = secret.inputs.stringData["alertmanager.yaml"];
      expect(yaml).toContain("routing_key: test-integration-key-secret");
      for (const key of SLACK_WEBHOOK_SECRETS) expect(yaml).toContain(`api_url: ${TEST_SECRETS[key]}`);
      expect(yaml).not.toContain("service_key");
      // And nowhere else: the program creates no ConfigMap at all (the policy pack guards against one).
      expect(run().ofType(T.configMap)).toEqual([]);
    });

    test("kube-prometheus-stack: pinned, no bundled Grafana, selectors that pick up this stack's objects", () => {
      const release = run().get(T.release, "prometheus-stack");
      expect(release.inputs).toMatchObject({ chart: CHARTS.kubePrometheusStack.chart, version: CHARTS.kubePrometheusStack.version });
      const v = release.inputs.values;
      expect(v.grafana.enabled).toBe(false);
      const spec = v.prometheus.prometheusSpec;
      expect(spec.replicas).toBe(c.prometheus.replicas);
      expect(spec.retention).toBe(c.prometheus.retention);
      expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(c.prometheus.storageSize);
      for (const kind of ["serviceMonitor", "podMonitor", "probe", "rule"]) {
        expect(spec[`${kind}SelectorNilUsesHelmValues`]).toBe(false);
        expect(spec[`${kind}Selector`]).toEqual({});
        expect(spec[`${kind}NamespaceSelector`]).toEqual({});
      }
      expect(v.alertmanager.alertmanagerSpec).toMatchObject({ replicas: c.alertmanager.replicas, useExistingSecret: true, configSecret: "alertmanager-license-api" });
      expect(v.prometheus.service.type).toBe("ClusterIP");
      expect(v.alertmanager.service.type).toBe("ClusterIP");
    });

    test("the rules are deployed as a PrometheusRule", () => {
      const rule = run().get(T.rule, "prometheus-rules");
      expect(rule.inputs.spec.groups).toEqual(JSON.parse(JSON.stringify(renderRuleGroups(c))));
    });

    test("the license API is scraped and probed as configured", () => {
      const sm = run().get(T.serviceMonitor, "license-api-servicemonitor");
      expect(sm.inputs.metadata.namespace).toBe(c.namespaces.licenseApi);
      expect(sm.inputs.spec.selector.matchLabels).toEqual(c.licenseApi.selector);
      expect(sm.inputs.spec.endpoints[0]).toMatchObject({ port: c.licenseApi.metricsPortName, interval: c.licenseApi.scrapeInterval });
      const probe = run().get(T.probe, "license-api-probe");
      expect(probe.inputs.spec).toMatchObject({ jobName: `${c.licenseApi.job}-health`, interval: c.blackbox.probeInterval, module: "http_2xx" });
      expect(probe.inputs.spec.targets.staticConfig.static[0]).toBe(`http://license-api.${c.namespaces.licenseApi}.svc:${c.licenseApi.port}${c.licenseApi.healthPath}`);
    });

    test("the metrics port is reachable from Prometheus only", () => {
      const policy = run().get(T.networkPolicy, "license-api-metrics-policy");
      const [api, metrics] = policy.inputs.spec.ingress;
      expect(api).toEqual({ ports: [{ port: c.licenseApi.port, protocol: "TCP" }] });
      expect(metrics.ports).toEqual([{ port: c.licenseApi.metricsPort, protocol: "TCP" }]);
      expect(metrics.from).toEqual([
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": c.namespaces.monitoring } },
          podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
        },
      ]);
    });

    test("PagerDuty: team, schedule, escalation and an Events API v2 integration", () => {
      const schedule = run().get(T.pdSchedule, "license-api-schedule");
      expect(schedule.inputs.timeZone).toBe(c.pagerduty.schedule.timeZone);
      expect(schedule.inputs.layers[0].users).toEqual(c.pagerduty.schedule.layers[0].users.map((e) => `PU-${e.split("@")[0]}`));
      const policy = run().get(T.pdEscalation, "license-api-escalation");
      expect(policy.inputs.rules.map((r: { escalationDelayInMinutes: number }) => r.escalationDelayInMinutes)).toEqual(c.pagerduty.escalation.rules.map((r) => r.delayMinutes));
      expect(policy.inputs.rules[0].targets[0]).toEqual({ type: "schedule_reference", id: "license-api-schedule-id" });
      const service = run().get(T.pdService, "license-api-service");
      expect(service.inputs.escalationPolicy).toBe("license-api-escalation-id");
      expect(service.inputs.incidentUrgencyRule.urgency).toBe(c.pagerduty.service.urgency);
      // An outage longer than any timer stays one incident: only Alertmanager's resolve (or a person)
      // closes it, and Alertmanager's repeats of the still-firing page update it without paging.
      expect(service.inputs.autoResolveTimeout).toBe(AUTO_RESOLVE_NEVER);
      expect(run().get(T.pdIntegration, "license-api-alertmanager").inputs.type).toBe("events_api_v2_inbound_integration");
    });
  });
}

/** Every resource of a component is its child, named after it, as the component convention asks. */
export function describeComponentTree(stack: StackName, run: () => ProgramRun) {
  test(`${stack}: every resource but the providers and components' roots has its component as parent`, () => {
    const components = run().resources.filter((r) => r.type.startsWith("coditect:monitoring:"));
    // The managed rule evaluator's component where the stack places something there (the outage backstop).
    const placed = managedPlacements(testStackConfig(stack));
    const managed = placed.seats || placed.backstop ? ["ManagedRuleEvaluation"] : [];
    expect(components.map((c) => c.type.split(":")[2]).sort()).toEqual(["CloudMonitoringReader", "Grafana", "GrafanaCloud", "LicenseApiNamespace", "LicenseApiScraping", "Logging", ...managed, "OnCall", "PdcAgent", "ProjectServices", "Prometheus", "Tracing", "Uptime"]);
    for (const component of components) expect(component.parent).toBeUndefined();
    const names = new Set(components.map((c) => c.name));
    for (const r of run().resources) {
      if (r.type.startsWith("pulumi:providers:") || r.type.startsWith("coditect:monitoring:")) continue;
      expect({ resource: `${r.type} ${r.name}`, parent: r.parent && names.has(r.parent) ? "component" : r.parent }).toEqual({ resource: `${r.type} ${r.name}`, parent: "component" });
      expect(r.name.startsWith(`${r.parent}-`)).toBe(true);
    }
  });

  // The log buckets (their retention and lock), and the namespaces holding the releases and their
  // volumes: changing namespaces.monitoring or namespaces.tracing would replace a namespace and every
  // release in it (a Release's name and namespace force a replacement without deleting the old one
  // first: pulumi-kubernetes provider/pkg/provider/helm_release.go, Diff), the new release failing beside
  // the old on their cluster-scoped objects. The engine refuses to replace a protected resource while
  // planning, in the preview, before any step runs (pulumi/pulumi pkg/resource/deploy/step_generator.go).
  test(`${stack}: only the log buckets and the monitoring and tracing namespaces are protected`, () => {
    const protectedNames = run().resources.filter((r) => r.protect).map((r) => r.name).sort();
    expect(protectedNames).toEqual(["logging-api-bucket", "logging-audit-bucket", "prometheus-namespace", "tracing-namespace"]);
  });
}
