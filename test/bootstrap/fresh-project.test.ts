// A first `pulumi up` on a fresh project and cluster: the stack enables every Google API its resources
// call before creating them (and never disables one on destroy), and it applies the license API's
// namespace, exported for the app deploy, before anything goes into it.
//
// Ordering is checked on the components' registrations: a component is registered only once its
// dependsOn have been created, and its children only once it is registered (they wait for its URN), so
// a component's dependsOn hold back all of its children in the real engine.
import { PROJECT_SERVICES } from "../../components/project-services";
import { STACKS } from "../../lib/stack-file";
import { managedPlacements } from "../../render/managed-prometheus";
import { runProgram, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";

const SERVICE = "gcp:projects/service:Service";
const NAMESPACE_PATCH = "kubernetes:core/v1:NamespacePatch";

/** The API each kind of GCP resource of this stack calls, by type token prefix. */
const API_OF: [RegExp, string][] = [
  [/^gcp:logging\//, "logging.googleapis.com"],
  [/^gcp:monitoring\//, "monitoring.googleapis.com"],
  [/^gcp:projects\/(iAMAuditConfig|iAMMember):/, "cloudresourcemanager.googleapis.com"],
  [/^gcp:serviceaccount\//, "iam.googleapis.com"],
];

describe.each(STACKS)("stack %s on a fresh project and cluster", (stack) => {
  let run: ProgramRun;
  const c = testStackConfig(stack);
  beforeAll(async () => {
    run = await runProgram(stack);
  });

  test("enables each API the stack uses, in its project, and never disables it on destroy", () => {
    const services = run.ofType(SERVICE);
    expect(services.map((s) => s.inputs.service).sort()).toEqual(Object.keys(PROJECT_SERVICES).sort());
    for (const s of services) expect(s.inputs).toMatchObject({ project: c.gcp.project, disableOnDestroy: false });
  });

  test("every GCP resource's API is among them (a resource of a new kind must add its API)", () => {
    const gcpResources = run.resources.filter((r) => r.type.startsWith("gcp:") && r.type !== SERVICE);
    expect(gcpResources.length).toBeGreaterThan(0);
    for (const r of gcpResources) {
      const api = API_OF.find(([pattern]) => pattern.test(r.type))?.[1];
      expect({ type: r.type, api }).toEqual({ type: r.type, api: expect.any(String) });
      expect(Object.keys(PROJECT_SERVICES)).toContain(api);
    }
  });

  test("the components with GCP resources wait for the APIs", () => {
    const serviceNames = run.ofType(SERVICE).map((s) => s.name);
    expect(serviceNames.length).toBe(Object.keys(PROJECT_SERVICES).length);
    const owners = [...new Set(run.resources.filter((r) => r.type.startsWith("gcp:") && r.type !== SERVICE).map((r) => `${r.parentType} ${r.parent}`))];
    // The managed rule evaluator's service account, where the stack places rules there (prod's outage backstop).
    const placed = managedPlacements(c);
    const managed = placed.seats || placed.backstop ? ["coditect:monitoring:ManagedRuleEvaluation managed-rules"] : [];
    expect(owners.sort()).toEqual(["coditect:monitoring:CloudMonitoringReader cloud-monitoring-reader", "coditect:monitoring:Logging logging", ...managed, "coditect:monitoring:Uptime uptime"]);
    for (const owner of owners) {
      const component = run.resources.find((r) => `${r.type} ${r.name}` === owner)!;
      expect({ owner, waitsFor: component.dependencies.filter((d) => serviceNames.includes(d)).sort() }).toEqual({ owner, waitsFor: [...serviceNames].sort() });
    }
  });

  test("applies the license API's namespace and exports its name for the app deploy", () => {
    const [ns] = run.ofType(NAMESPACE_PATCH);
    expect(ns.inputs.metadata).toEqual({ name: c.namespaces.licenseApi });
    expect(run.outputs.licenseApiNamespace).toBe(c.namespaces.licenseApi);
  });

  test("what goes into that namespace waits for it", () => {
    const inNamespace = run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== NAMESPACE_PATCH && r.inputs.metadata?.namespace === c.namespaces.licenseApi);
    // The API's ServiceMonitor and the seats exporter's, and the policy guarding /metrics.
    expect(inNamespace.map((r) => r.type).sort()).toEqual(["kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "kubernetes:networking.k8s.io/v1:NetworkPolicy"]);
    const [ns] = run.ofType(NAMESPACE_PATCH);
    for (const r of inNamespace) {
      const component = run.resources.find((x) => x.name === r.parent && x.type === r.parentType)!;
      expect({ resource: r.name, waitsForNamespace: component.dependencies.includes(ns.name) }).toEqual({ resource: r.name, waitsForNamespace: true });
    }
  });
});
