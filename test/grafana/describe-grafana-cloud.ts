// What the stack provisions on Grafana Cloud's side and in the cluster for it, asserted on the real
// program under mocks: the PDC network and its agent, the access policies of the remote write and the
// long-term data source, the Cloud Monitoring reader and its rotated key. Resource semantics as the
// provider defines them (grafana/terraform-provider-grafana internal/resources/cloud:
// resource_private_data_source_connect_network.go, resource_cloud_access_policy.go).
import type { StackName } from "../../lib/stack-file";
import { keyRotationPeriod } from "../../render/key-rotation";
import { PDC_AGENT, PDC_AGENT_IMAGE, PDC_AGENT_VERSION, PDC_SECRET_KEYS } from "../../render/pdc-agent";
import { REMOTE_WRITE_SECRET } from "../../render/remote-write";
import { COMPUTED_SECRETS, TEST_GRAFANA_CLOUD_STACK, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";

const T = {
  network: "grafana:cloud/privateDataSourceConnectNetwork:PrivateDataSourceConnectNetwork",
  networkToken: "grafana:cloud/privateDataSourceConnectNetworkToken:PrivateDataSourceConnectNetworkToken",
  policy: "grafana:cloud/accessPolicy:AccessPolicy",
  policyToken: "grafana:cloud/accessPolicyToken:AccessPolicyToken",
  secret: "kubernetes:core/v1:Secret",
  deployment: "kubernetes:apps/v1:Deployment",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  release: "kubernetes:helm.sh/v3:Release",
  account: "gcp:serviceaccount/account:Account",
  iamMember: "gcp:projects/iAMMember:IAMMember",
  key: "gcp:serviceaccount/key:Key",
} as const;

export function describeGrafanaCloud(stack: StackName, run: () => ProgramRun) {
  const c = testStackConfig(stack);
  const cloud = c.grafana.cloud!;

  describe(`${stack}: Grafana Cloud`, () => {
    test("the PDC network lives in the looked-up stack's region, with a token for the agent, through the Grafana Cloud provider", () => {
      const network = run().get(T.network, "grafana-cloud-pdc-network");
      expect(network.inputs).toMatchObject({ region: TEST_GRAFANA_CLOUD_STACK.regionSlug, stackIdentifier: TEST_GRAFANA_CLOUD_STACK.id, name: `coditect-monitoring-${c.environment}` });
      expect(network.provider).toMatch(/::grafana-cloud::/);
      const token = run().get(T.networkToken, "grafana-cloud-pdc-token");
      expect(token.inputs).toMatchObject({ pdcNetworkId: "test-pdc-network-id", region: TEST_GRAFANA_CLOUD_STACK.regionSlug });
    });

    test("two access policies on the stack: one may only write metrics, one may only read this cluster's", () => {
      const policies = Object.fromEntries(run().ofType(T.policy).map((p) => [p.name, p.inputs]));
      expect(Object.keys(policies).sort()).toEqual(["grafana-cloud-metrics-read-policy", "grafana-cloud-metrics-write-policy"]);
      expect(policies["grafana-cloud-metrics-write-policy"]).toMatchObject({ scopes: ["metrics:write"], realms: [{ type: "stack", identifier: TEST_GRAFANA_CLOUD_STACK.id }] });
      expect(policies["grafana-cloud-metrics-read-policy"]).toMatchObject({
        scopes: ["metrics:read"],
        realms: [{ type: "stack", identifier: TEST_GRAFANA_CLOUD_STACK.id, labelPolicies: [{ selector: `{cluster="${c.cluster.name}"}` }] }],
      });
      for (const token of run().ofType(T.policyToken)) expect(token.inputs.accessPolicyId).toBe("test-access-policy-id");
    });

    test("the PDC agent: its Secret a Pulumi secret, a pinned image reading it, resources, replicas, spread", () => {
      const secret = run().get(T.secret, "pdc-agent-secret");
      expect(secret.secretPaths).toContain("stringData");
      expect(secret.inputs.stringData).toEqual({
        [PDC_SECRET_KEYS.token]: COMPUTED_SECRETS.pdcToken,
        [PDC_SECRET_KEYS.cluster]: TEST_GRAFANA_CLOUD_STACK.clusterSlug,
        [PDC_SECRET_KEYS.hostedGrafanaId]: TEST_GRAFANA_CLOUD_STACK.id,
      });
      const deployment = run().get(T.deployment, "pdc-agent-deployment");
      expect(deployment.inputs.metadata.namespace).toBe(c.namespaces.monitoring);
      expect(deployment.inputs.spec.replicas).toBe(cloud.pdcAgent.replicas);
      const [container] = deployment.inputs.spec.template.spec.containers;
      expect(container.image).toBe(PDC_AGENT_IMAGE);
      // The agent's releases publish the image as the tag without its v (grafana/pdc-agent .goreleaser.yaml: {{ .Version }}).
      expect(PDC_AGENT_IMAGE).toBe(`grafana/pdc-agent:${PDC_AGENT_VERSION.tag.replace(/^v/, "")}`);
      expect(container.image).not.toMatch(/:latest$/);
      expect(container.resources).toEqual(cloud.pdcAgent.resources);
      expect(container.args).toEqual(["-cluster", "$(CLUSTER)", "-token", "$(TOKEN)", "-gcloud-hosted-grafana-id", "$(HOSTED_GRAFANA_ID)"]);
      for (const env of container.env) expect(env.valueFrom.secretKeyRef.name).toBe(PDC_AGENT.secret);
      expect(JSON.stringify(deployment.inputs)).not.toContain(COMPUTED_SECRETS.pdcToken);
    });

    test(`a PodDisruptionBudget ${cloud.pdcAgent.replicas > 1 ? "keeps one of the agents" : "only with two agents or more"}`, () => {
      const budgets = run().ofType(T.pdb);
      if (cloud.pdcAgent.replicas > 1) expect(budgets.map((b) => b.inputs.spec)).toEqual([{ minAvailable: 1, selector: { matchLabels: PDC_AGENT.labels } }]);
      else expect(budgets).toEqual([]);
    });

    test("the agent takes no ingress; its egress is DNS, Grafana Cloud on 443/22 outside the cluster, Prometheus and Jaeger query", () => {
      const policy = run().get(T.networkPolicy, "pdc-agent-network-policy").inputs.spec;
      expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
      expect(policy.ingress).toEqual([]);
      const ports = policy.egress.map((e: { ports: { port: number }[] }) => e.ports.map((p) => p.port));
      expect(ports).toEqual([[53, 53], [443, 22], [9090], [16686]]);
      expect(policy.egress[1].to[0].ipBlock.except).toEqual(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
    });

    test("Prometheus remote-writes to the stack's Mimir endpoint with the write-only token, from a Secret", () => {
      const secret = run().get(T.secret, "prometheus-remote-write");
      expect(secret.inputs.metadata.name).toBe(REMOTE_WRITE_SECRET);
      expect(secret.secretPaths).toContain("stringData");
      expect(secret.inputs.stringData).toEqual({
        username: String(TEST_GRAFANA_CLOUD_STACK.prometheusUserId),
        password: COMPUTED_SECRETS.accessPolicyToken("grafana-cloud-metrics-write-token"),
      });
      const release = run().get(T.release, "prometheus-stack");
      const [remoteWrite] = release.inputs.values.prometheus.prometheusSpec.remoteWrite;
      expect(remoteWrite.url).toBe(TEST_GRAFANA_CLOUD_STACK.prometheusRemoteWriteEndpoint);
      expect(remoteWrite.basicAuth).toEqual({ username: { name: REMOTE_WRITE_SECRET, key: "username" }, password: { name: REMOTE_WRITE_SECRET, key: "password" } });
      expect(release.dependencies).toContain("prometheus-remote-write");
    });

    test("Cloud Monitoring reader: its own service account, monitoring.viewer and nothing else, a key rotated on schedule", () => {
      const account = run().get(T.account, "cloud-monitoring-reader-account");
      expect(account.inputs.project).toBe(c.gcp.project);
      // Every mocked service account has the same email: the reader's grants are its component's.
      const grants = run().ofType(T.iamMember).filter((m) => m.parent === "cloud-monitoring-reader");
      expect(grants.map((g) => g.inputs.role)).toEqual(["roles/monitoring.viewer"]);
      // The keeper is this run's rotation period: no resource keeps time, so nothing needs refreshing.
      const key = run().get(T.key, "cloud-monitoring-reader-key");
      expect(key.inputs.keepers).toEqual({ rotationPeriod: String(keyRotationPeriod(c, new Date()).index) });
      expect(run().resources.some((r) => r.type.startsWith("time:"))).toBe(false);
    });
  });
}
