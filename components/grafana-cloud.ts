// The Grafana Cloud side of the stack, through the Grafana Cloud API (a provider with a Cloud access
// policy token, in opts): the Grafana Cloud stack looked up by slug (its Mimir endpoints and metrics
// user), a Private Data source Connect network and the agent's signing token, and two access policies
// scoped to that stack: one that may only write metrics (Prometheus' remote write) and one that may
// only read them (the long-term data source). Every token is a Pulumi secret.
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import type { StackConfig } from "../config";

export interface GrafanaCloudArgs {
  config: StackConfig;
}

export class GrafanaCloud extends pulumi.ComponentResource {
  /** The PDC network the in-cluster data sources go through. */
  readonly pdcNetworkId: pulumi.Output<string>;
  /** What the PDC agent connects with: its signing token (secret), the PDC cluster and the hosted Grafana's id. */
  readonly pdcAgent: { token: pulumi.Output<string>; cluster: pulumi.Output<string>; hostedGrafanaId: pulumi.Output<string> };
  /** Mimir's remote-write endpoint and the credentials that may only write metrics. */
  readonly remoteWrite: { url: pulumi.Output<string>; username: pulumi.Output<string>; password: pulumi.Output<string> };
  /** Mimir's Prometheus-compatible query endpoint and the credentials that may only read metrics. */
  readonly longTermQuery: { url: pulumi.Output<string>; username: pulumi.Output<string>; password: pulumi.Output<string> };

  constructor(name: string, args: GrafanaCloudArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:GrafanaCloud", name, {}, opts);
    const c = args.config;
    if (!c.grafana.cloud) throw new Error("GrafanaCloud needs grafana.cloud");
    const child = { parent: this };
    const stack = grafana.cloud.getStackOutput({ slug: c.grafana.cloud.stackSlug }, { parent: this });
    const region = stack.regionSlug;
    const who = `coditect-monitoring-${c.environment}`;

    const network = new grafana.cloud.PrivateDataSourceConnectNetwork(
      `${name}-pdc-network`,
      { name: who, displayName: `CODITECT monitoring (${c.environment})`, region, stackIdentifier: stack.id },
      child,
    );
    const pdcToken = new grafana.cloud.PrivateDataSourceConnectNetworkToken(
      `${name}-pdc-token`,
      { name: `${who}-agent`, pdcNetworkId: network.pdcNetworkId, region },
      { ...child, additionalSecretOutputs: ["token"] },
    );

    const policy = (suffix: string, scope: string, labelPolicies?: { selector: string }[]) => {
      const realms = [{ type: "stack", identifier: stack.id, ...(labelPolicies ? { labelPolicies } : {}) }];
      const p = new grafana.cloud.AccessPolicy(`${name}-${suffix}-policy`, { name: `${who}-${suffix}`, region, scopes: [scope], realms }, child);
      return new grafana.cloud.AccessPolicyToken(`${name}-${suffix}-token`, { name: `${who}-${suffix}`, accessPolicyId: p.policyId, region }, { ...child, additionalSecretOutputs: ["token"] });
    };
    const writer = policy("metrics-write", "metrics:write");
    // Label-based access: the environment's long-term data source reads its own cluster's series only.
    const reader = policy("metrics-read", "metrics:read", [{ selector: `{cluster="${c.cluster.name}"}` }]);
    const user = stack.prometheusUserId.apply(String);

    this.pdcNetworkId = network.pdcNetworkId;
    this.pdcAgent = { token: pulumi.secret(pdcToken.token), cluster: stack.clusterSlug, hostedGrafanaId: stack.id };
    this.remoteWrite = { url: stack.prometheusRemoteWriteEndpoint, username: user, password: pulumi.secret(writer.token) };
    this.longTermQuery = { url: pulumi.interpolate`${stack.prometheusUrl}/api/prom`, username: user, password: pulumi.secret(reader.token) };
    this.registerOutputs({ pdcNetworkId: this.pdcNetworkId, remoteWriteUrl: this.remoteWrite.url, longTermQueryUrl: this.longTermQuery.url });
  }
}
