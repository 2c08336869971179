// The Private Data source Connect agent in the cluster (render/pdc-agent.ts): its Secret, Deployment,
// PodDisruptionBudget and NetworkPolicy. The signing token reaches the pods through the Secret only.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { PDC_AGENT, PDC_SECRET_KEYS, pdcAgentDeployment, pdcAgentDisruptionBudget, pdcAgentNetworkPolicy } from "../render/pdc-agent";

export interface PdcAgentArgs {
  config: StackConfig;
  /** The Namespace resource's name output, so that everything waits for it. */
  namespace: pulumi.Input<string>;
  token: pulumi.Input<string>;
  cluster: pulumi.Input<string>;
  hostedGrafanaId: pulumi.Input<string>;
}

export class PdcAgent extends pulumi.ComponentResource {
  constructor(name: string, args: PdcAgentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:PdcAgent", name, {}, opts);
    const c = args.config;
    const child = { parent: this };
    const metadata = (m: { name: string; labels: Record<string, string> }) => ({ ...m, namespace: args.namespace });

    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: metadata({ name: PDC_AGENT.secret, labels: PDC_AGENT.labels }),
        type: "Opaque",
        stringData: pulumi.secret({
          [PDC_SECRET_KEYS.token]: args.token,
          [PDC_SECRET_KEYS.cluster]: args.cluster,
          [PDC_SECRET_KEYS.hostedGrafanaId]: args.hostedGrafanaId,
        }),
      },
      child,
    );
    const deployment = pdcAgentDeployment(c);
    new k8s.apps.v1.Deployment(`${name}-deployment`, { ...deployment, metadata: metadata(deployment.metadata) }, { ...child, dependsOn: [secret] });
    const budget = pdcAgentDisruptionBudget(c);
    if (budget) new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { ...budget, metadata: metadata(budget.metadata) }, child);
    const policy = pdcAgentNetworkPolicy(c);
    new k8s.networking.v1.NetworkPolicy(`${name}-network-policy`, { ...policy, metadata: metadata(policy.metadata) }, child);
    this.registerOutputs({});
  }
}
