// What runs in Managed Service for Prometheus' rule evaluator: the per-license and seat forecast groups
// (alerts.perLicense.evaluator: managed), over the seats exporter's series the managed collector
// scrapes into Monarch, and the outage backstop (alerts.outage.backstop: managed), over the collector's
// own probes and its scrape of the Prometheus replicas. The evaluator sends its alerts to this stack's
// Alertmanagers, and reads and writes Monarch as a Google service account of its own. The objects are
// rendered in render/managed-prometheus.ts. A preflight reads the cluster first: without managed collection (or
// without Workload Identity, through which the evaluator gets its roles) the preview fails with what
// to change, instead of deploying rules nothing evaluates.
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { managedEvaluatorProblem, managedPrometheusObjects, operatorConfigPatch, RULE_EVALUATOR_KSA, seatRules, seatsPodMonitoring, type ManagedObject } from "../render/managed-prometheus";

/**
 * The evaluator queries Monarch (monitoring.viewer) and writes the recorded aggregates back to it
 * (monitoring.metricWriter); collection alone needs only the latter.
 */
export const RULE_EVALUATOR_ROLES = ["roles/monitoring.viewer", "roles/monitoring.metricWriter"] as const;

/** What the preflight reads of the cluster (gcp.container.getCluster's result). */
export type ClusterMonitoring = Parameters<typeof managedEvaluatorProblem>[1];

export interface ManagedRuleEvaluationArgs {
  config: StackConfig;
  /** The cluster as GKE describes it (gcp.container.getClusterOutput). */
  cluster: pulumi.Input<ClusterMonitoring>;
}

/** A managed object's resource name within the component: the seats' as they were first created, the others by kind and name. */
function resourceSuffix(c: StackConfig, object: ManagedObject): string {
  if (object.kind === "PodMonitoring" && object.metadata.name === seatsPodMonitoring(c).metadata.name) return "seats-podmonitoring";
  if (object.kind === "Rules" && object.metadata.name === seatRules(c).metadata.name) return "rules";
  return `${object.kind.toLowerCase()}-${object.metadata.name}`;
}

export class ManagedRuleEvaluation extends pulumi.ComponentResource {
  /** The Google service account the evaluator acts as. */
  readonly serviceAccountEmail: pulumi.Output<string>;

  constructor(name: string, args: ManagedRuleEvaluationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:ManagedRuleEvaluation", name, {}, opts);
    const c = args.config;
    const child = { parent: this };

    // Every object the evaluator acts on waits for the preflight: a cluster it cannot run on fails
    // their registration, so the preview, with the preflight's message.
    const ready = pulumi.output(args.cluster).apply((cluster) => {
      const problem = managedEvaluatorProblem(c, cluster);
      // A RunError: the engine shows the message alone, without a stack, and fails the preview.
      if (problem) throw new pulumi.RunError(problem);
      return true;
    });
    const gated = <T>(value: T): pulumi.Output<T> => ready.apply(() => value);

    const account = new gcp.serviceaccount.Account(
      `${name}-account`,
      {
        project: c.gcp.project,
        accountId: `gmp-rules-${c.environment}`.slice(0, 30),
        displayName: `Managed Prometheus rule evaluator (${c.environment})`,
        description: "The managed rule evaluator of GKE (gmp-system/collector): reads Monarch for the rules this stack places there, writes their results.",
      },
      child,
    );
    for (const role of RULE_EVALUATOR_ROLES) {
      new gcp.projects.IAMMember(`${name}-${role.split(".").pop()!.toLowerCase()}`, { project: c.gcp.project, role, member: account.member }, child);
    }
    const ksa = `${RULE_EVALUATOR_KSA.namespace}/${RULE_EVALUATOR_KSA.name}`;
    new gcp.serviceaccount.IAMMember(
      `${name}-workload-identity`,
      {
        serviceAccountId: account.name,
        role: "roles/iam.workloadIdentityUser",
        member: `serviceAccount:${c.gcp.project}.svc.id.goog[${RULE_EVALUATOR_KSA.namespace}/${RULE_EVALUATOR_KSA.name}]`,
      },
      child,
    );
    // GKE creates the evaluator's Kubernetes service account (shared with the collectors, which then
    // write as this account too: it holds metricWriter). Only the annotation is this stack's.
    new k8s.core.v1.ServiceAccountPatch(
      `${name}-ksa`,
      {
        metadata: {
          name: RULE_EVALUATOR_KSA.name,
          namespace: RULE_EVALUATOR_KSA.namespace,
          annotations: pulumi.all([ready, account.email]).apply(([, email]) => ({ "iam.gke.io/gcp-service-account": email })),
        },
      },
      child,
    );

    // The PodMonitorings and Rules objects; the seat objects keep the resource names they were created with.
    for (const object of managedPrometheusObjects(c)) {
      if (object.kind === "OperatorConfig") continue;
      const { spec, ...rest } = object as ManagedObject & { spec: unknown };
      new k8s.apiextensions.CustomResource(`${name}-${resourceSuffix(c, object)}`, { ...rest, spec: gated(spec) }, child);
    }
    // GKE creates the OperatorConfig with managed collection; this stack owns only the fields it sets.
    const operatorConfig = operatorConfigPatch(c);
    new k8s.apiextensions.CustomResourcePatch(`${name}-operatorconfig`, { ...operatorConfig, rules: gated(operatorConfig.rules) }, child);

    this.serviceAccountEmail = account.email;
    this.registerOutputs({ serviceAccountEmail: this.serviceAccountEmail, evaluator: ksa });
  }
}
