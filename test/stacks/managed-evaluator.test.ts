// The real program for the prod stack under mocks with the per-license groups placed on Managed Service
// for Prometheus' rule evaluator (alerts.perLicense.evaluator: managed): what it provisions, that the
// cluster's Prometheus leaves those groups out, and that the preflight stops a cluster the evaluator
// cannot run on (managed-preflight.test.ts shows that it stops the objects the evaluator acts on).
import { RULE_EVALUATOR_ROLES } from "../../components/managed-rule-evaluation";
import { NAMESPACE } from "../../config";
import { readStackConfig } from "../../lib/stack-file";
import { probeJob, publicProbeJob } from "../../lib/identities";
import { clusterPagesJob } from "../../lib/outage-backstop";
import { backstopPodMonitorings, backstopRules, managedEvaluatorProblem, managedPlacements, operatorConfigPatch, seatRules, seatsPodMonitoring } from "../../render/managed-prometheus";
import { managedRuleGroups, renderRuleGroups } from "../../rules";
import { runProgram, type ProgramRun } from "../harness";
import { managedEvaluatorConfig, testStackConfig } from "../stack-config";
import { T } from "./describe-stack";

const M = {
  component: "coditect:monitoring:ManagedRuleEvaluation",
  podMonitoring: "kubernetes:monitoring.googleapis.com/v1:PodMonitoring",
  rules: "kubernetes:monitoring.googleapis.com/v1:Rules",
  operatorConfig: "kubernetes:monitoring.googleapis.com/v1:OperatorConfigPatch",
  ksa: "kubernetes:core/v1:ServiceAccountPatch",
  account: "gcp:serviceaccount/account:Account",
  projectMember: "gcp:projects/iAMMember:IAMMember",
  accountMember: "gcp:serviceaccount/iAMMember:IAMMember",
} as const;

/** The prod stack file's alerts section with the evaluator (and the backstop) set, as the engine hands it over. */
function alertsWith(evaluator: string, backstop = "managed") {
  const alerts = JSON.parse(readStackConfig("prod")[`${NAMESPACE}:alerts`]) as { perLicense: Record<string, unknown>; outage: Record<string, unknown> };
  return { alerts: { ...alerts, perLicense: { ...alerts.perLicense, evaluator }, outage: { ...alerts.outage, backstop } } };
}

const c = managedEvaluatorConfig("prod");
let managed: ProgramRun;
let inCluster: ProgramRun;
let prodDefault: ProgramRun;
beforeAll(async () => {
  managed = await runProgram("prod", { config: alertsWith("managed") });
  inCluster = await runProgram("prod", { config: alertsWith("prometheus", "none") });
  prodDefault = await runProgram("prod");
}, 180_000);

describe("prod with the per-license groups on the managed rule evaluator", () => {
  test("one ManagedRuleEvaluation component, its resources its children", () => {
    expect(managed.ofType(M.component).map((r) => r.name)).toEqual(["managed-rules"]);
    const children = managed.resources.filter((r) => r.parentType === M.component).map((r) => `${r.type} ${r.name}`);
    expect(children.sort()).toEqual(
      [
        `${M.account} managed-rules-account`,
        `${M.projectMember} managed-rules-viewer`,
        `${M.projectMember} managed-rules-metricwriter`,
        `${M.accountMember} managed-rules-workload-identity`,
        `${M.ksa} managed-rules-ksa`,
        `${M.podMonitoring} managed-rules-seats-podmonitoring`,
        `${M.rules} managed-rules-rules`,
        `${M.operatorConfig} managed-rules-operatorconfig`,
        // The outage backstop (alerts.outage.backstop: managed).
        `${M.podMonitoring} managed-rules-podmonitoring-${probeJob(c)}`,
        `${M.podMonitoring} managed-rules-podmonitoring-${publicProbeJob(c)}`,
        `${M.podMonitoring} managed-rules-podmonitoring-${clusterPagesJob(c)}`,
        `${M.rules} managed-rules-rules-${backstopRules(c).metadata.name}`,
      ].sort(),
    );
  });

  test("the cluster's Prometheus leaves out exactly the groups the managed evaluator runs", () => {
    const groups = managed.get(T.rule, "prometheus-rules").inputs.spec.groups as { name: string }[];
    expect(groups).toEqual(JSON.parse(JSON.stringify(renderRuleGroups(c))));
    expect(groups.map((g) => g.name)).not.toEqual(expect.arrayContaining(["license-api.per-license"]));
    expect(groups.map((g) => g.name)).not.toEqual(expect.arrayContaining(["license-api.seat-forecast"]));
    expect(managedRuleGroups(c).map((g) => g.name)).toEqual(["license-api.per-license", "license-api.seat-forecast"]);
  });

  test("the backstop's PodMonitorings and Rules are the rendered ones, through the GKE provider", () => {
    const rendered = [...backstopPodMonitorings(c), backstopRules(c)];
    for (const object of rendered) {
      const r = managed.get(object.kind === "Rules" ? M.rules : M.podMonitoring, `managed-rules-${object.kind.toLowerCase()}-${object.metadata.name}`);
      expect(r.inputs).toMatchObject(JSON.parse(JSON.stringify(object)));
      expect(r.provider).toMatch(/::gke::/);
    }
  });

  test("the PodMonitoring, the Rules and the OperatorConfig patch are the rendered ones, through the GKE provider", () => {
    const pm = managed.get(M.podMonitoring, "managed-rules-seats-podmonitoring");
    expect(pm.inputs).toMatchObject(JSON.parse(JSON.stringify(seatsPodMonitoring(c))));
    const rules = managed.get(M.rules, "managed-rules-rules");
    expect(rules.inputs).toMatchObject(JSON.parse(JSON.stringify(seatRules(c))));
    const oc = managed.get(M.operatorConfig, "managed-rules-operatorconfig");
    expect(oc.inputs).toMatchObject(JSON.parse(JSON.stringify(operatorConfigPatch(c))));
    expect(oc.inputs.spec).toBeUndefined();
    for (const r of [pm, rules, oc]) expect(r.provider).toMatch(/::gke::/);
  });

  test("the evaluator's Google service account may read Monarch and write the recorded series, and the evaluator's KSA acts as it", () => {
    const account = managed.ofType(M.account).find((r) => r.parent === "managed-rules")!;
    expect(account.inputs).toMatchObject({ project: c.gcp.project, accountId: `gmp-rules-${c.environment}` });
    expect(account.provider).toMatch(/::gcp::/);
    const member = "serviceAccount:grafana-monitoring@test.iam.gserviceaccount.com"; // the mocked account's computed member
    const roles = managed.ofType(M.projectMember).filter((r) => r.parent === "managed-rules");
    expect(roles.map((r) => r.inputs.role).sort()).toEqual([...RULE_EVALUATOR_ROLES].sort());
    for (const r of roles) expect(r.inputs).toMatchObject({ project: c.gcp.project, member });
    expect(managed.get(M.accountMember, "managed-rules-workload-identity").inputs).toMatchObject({
      role: "roles/iam.workloadIdentityUser",
      member: `serviceAccount:${c.gcp.project}.svc.id.goog[gmp-system/collector]`,
    });
    const ksa = managed.get(M.ksa, "managed-rules-ksa");
    expect(ksa.inputs.metadata).toEqual({ name: "collector", namespace: "gmp-system", annotations: { "iam.gke.io/gcp-service-account": "grafana-monitoring@test.iam.gserviceaccount.com" } });
  });

  test("the seats exporter's ServiceMonitor stays: the cluster's Prometheus still holds the series the Selected license panels draw", () => {
    expect(managed.get(T.serviceMonitor, "license-api-seats-servicemonitor").inputs.metadata.name).toBe(c.licenseApi.seats.service);
  });
});

test("with neither the seat groups nor the backstop placed there, nothing of the managed evaluator is provisioned, and every group stays in the cluster's Prometheus", () => {
  expect(managedPlacements(testStackConfig("prod", { alerts: (a) => void ((a.outage as Record<string, unknown>).backstop = "none") }))).toEqual({ seats: false, backstop: false });
  expect(inCluster.resources.filter((r) => r.name.startsWith("managed-rules")).map((r) => r.name)).toEqual([]);
  for (const type of [M.podMonitoring, M.rules, M.operatorConfig, M.ksa]) expect({ type, found: inCluster.ofType(type).map((r) => r.name) }).toEqual({ type, found: [] });
  const groups = inCluster.get(T.rule, "prometheus-rules").inputs.spec.groups as { name: string }[];
  expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(["license-api.per-license", "license-api.seat-forecast"]));
});

test("prod's default placement provisions the backstop's objects only, and keeps the seat groups in the cluster's Prometheus", () => {
  const d = testStackConfig("prod");
  expect(managedPlacements(d)).toEqual({ seats: false, backstop: true });
  const objects = prodDefault.resources.filter((r) => r.parentType === M.component && (r.type === M.podMonitoring || r.type === M.rules)).map((r) => r.name).sort();
  expect(objects).toEqual([...backstopPodMonitorings(d), backstopRules(d)].map((o) => `managed-rules-${o.kind.toLowerCase()}-${o.metadata.name}`).sort());
  const groups = prodDefault.get(T.rule, "prometheus-rules").inputs.spec.groups as { name: string }[];
  expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(["license-api.per-license", "license-api.seat-forecast", "license-api.outage"]));
});

describe("the preflight", () => {
  const enabled = { monitoringConfigs: [{ managedPrometheuses: [{ enabled: true }] }], workloadIdentityConfigs: [{ workloadPool: `${c.gcp.project}.svc.id.goog` }] };

  test("passes a cluster with managed collection and Workload Identity", () => {
    expect(managedEvaluatorProblem(c, enabled)).toBeUndefined();
  });

  test.each([
    ["managed collection off", { ...enabled, monitoringConfigs: [{ managedPrometheuses: [{ enabled: false }] }] }, /managed collection is not enabled on the GKE cluster/],
    ["no managed Prometheus config at all", { ...enabled, monitoringConfigs: [] }, /managed collection is not enabled/],
    ["no Workload Identity", { ...enabled, workloadIdentityConfigs: [] }, /Workload Identity \(pool coditect-prod\.svc\.id\.goog\) is not enabled/],
  ])("fails with %s, naming the cluster, the setting and the way out", (_, cluster, message) => {
    const problem = managedEvaluatorProblem(c, cluster);
    expect(problem).toMatch(message);
    expect(problem).toContain(`GKE cluster ${c.cluster.name} (${c.cluster.location}, project ${c.gcp.project})`);
    expect(problem).toContain('alerts.perLicense.evaluator is "managed"');
    expect(problem).toContain('set the evaluator to "prometheus"');
  });

  test("on prod's default (the backstop alone), names the backstop's setting, what it would lose and its way out only", () => {
    const d = testStackConfig("prod");
    const problem = managedEvaluatorProblem(d, { ...enabled, monitoringConfigs: [] })!;
    expect(problem).toMatch(/^alerts\.outage\.backstop is "managed", but Managed Service for Prometheus' managed collection is not enabled/);
    expect(problem).toContain("no outage page would be held open once every Prometheus replica is gone");
    expect(problem).toMatch(/or set the backstop to "none"$/);
    expect(problem).not.toContain("perLicense");
    expect(managedEvaluatorProblem(d, enabled)).toBeUndefined();
  });
});
