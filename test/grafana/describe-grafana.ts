// What the Grafana component must register in every stack, asserted on the real program under mocks.
import { dashboardJson, dataSources, renderDashboards } from "../../dashboards";
import { DASHBOARDS } from "../../lib/identities";
import type { StackName } from "../../lib/stack-file";
import { jaegerQueryUrl } from "../../render/collector-config";
import { allStrings, COMPUTED_SECRETS, plaintextInputs, TEST_GRAFANA_CLOUD_STACK, TEST_SECRETS, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";
import { unreachable, usedUids, type DataSourceInputs } from "./reachability";

export const G = {
  provider: "pulumi:providers:grafana",
  folder: "grafana:oss/folder:Folder",
  dataSource: "grafana:oss/dataSource:DataSource",
  dashboard: "grafana:oss/dashboard:Dashboard",
  component: "coditect:monitoring:Grafana",
} as const;

export function describeGrafana(stack: StackName, run: () => ProgramRun) {
  const c = testStackConfig(stack);
  const ds = dataSources(c);

  describe(`${stack}: grafana`, () => {
    test("a Grafana provider for the configured URL, its auth a secret, and one for Grafana Cloud's API", () => {
      const providers = run().ofType(G.provider);
      expect(providers.map((p) => p.name).sort()).toEqual(["grafana", "grafana-cloud"]);
      const stackProvider = providers.find((p) => p.name === "grafana")!;
      expect(stackProvider.inputs.url).toBe(c.grafana.url);
      expect(stackProvider.inputs.auth).toBe(TEST_SECRETS.grafanaAuth);
      expect(stackProvider.secretPaths).toContain("auth");
      const cloudProvider = providers.find((p) => p.name === "grafana-cloud")!;
      expect(cloudProvider.inputs.cloudAccessPolicyToken).toBe(TEST_SECRETS.grafanaCloudAccessPolicyToken);
      expect(cloudProvider.secretPaths).toContain("cloudAccessPolicyToken");
    });

    test("the Grafana auth appears in no plaintext input of any resource, nor in any output", () => {
      for (const r of run().resources) {
        const leaks = plaintextInputs(r).filter((s) => s.value.includes(TEST_SECRETS.grafanaAuth));
        expect({ resource: `${r.type} ${r.name}`, leaks }).toEqual({ resource: `${r.type} ${r.name}`, leaks: [] });
      }
      expect(allStrings(run().outputs).filter((s) => s.value.includes(TEST_SECRETS.grafanaAuth))).toEqual([]);
    });

    test("a folder named by config, with a stable uid", () => {
      const folders = run().ofType(G.folder);
      expect(folders).toHaveLength(1);
      expect(folders[0].inputs).toMatchObject({ title: c.grafana.folder, uid: `coditect-license-api-${c.environment}` });
    });

    test("Prometheus, Jaeger, long-term and Cloud Monitoring data sources with their fixed uids, through the Grafana provider", () => {
      const sources = run().ofType(G.dataSource);
      const byUid = Object.fromEntries(sources.map((s) => [s.inputs.uid, s]));
      expect(Object.keys(byUid).sort()).toEqual(Object.values(ds).map((d) => d.uid).sort());
      for (const s of sources) expect(s.provider).toMatch(/::grafana::/);

      const prometheus = byUid[ds.prometheus.uid].inputs;
      expect(prometheus).toMatchObject({ type: "prometheus", name: ds.prometheus.name, accessMode: "proxy", isDefault: false });
      expect(prometheus.url).toBe(`http://kps-prometheus.${c.namespaces.monitoring}.svc:9090`);
      expect(JSON.parse(prometheus.jsonDataEncoded)).toMatchObject({ httpMethod: "POST", timeInterval: c.prometheus.scrapeInterval });

      const jaeger = byUid[ds.jaeger.uid].inputs;
      expect(jaeger).toMatchObject({ type: "jaeger", name: ds.jaeger.name, url: jaegerQueryUrl(c) });
    });

    test("Prometheus and Jaeger go through the stack's PDC network", () => {
      const sources = run().ofType(G.dataSource);
      const viaPdc = sources.filter((s) => s.inputs.privateDataSourceConnectNetworkId === "test-pdc-network-id").map((s) => s.inputs.uid);
      expect(viaPdc.sort()).toEqual([ds.jaeger.uid, ds.prometheus.uid].sort());
    });

    test("the long-term data source reads Grafana Cloud's Mimir with a read-only token, in secureJsonData as a secret", () => {
      const longTerm = run().ofType(G.dataSource).find((s) => s.inputs.uid === ds.longTerm.uid)!;
      expect(longTerm.inputs).toMatchObject({
        type: "prometheus",
        url: `${TEST_GRAFANA_CLOUD_STACK.prometheusUrl}/api/prom`,
        basicAuthEnabled: true,
        basicAuthUsername: String(TEST_GRAFANA_CLOUD_STACK.prometheusUserId),
      });
      expect(longTerm.inputs.privateDataSourceConnectNetworkId).toBeUndefined();
      expect(JSON.parse(longTerm.inputs.jsonDataEncoded)).toMatchObject({ prometheusType: "Mimir", manageAlerts: false });
      expect(longTerm.secretPaths).toContain("secureJsonDataEncoded");
      expect(JSON.parse(longTerm.inputs.secureJsonDataEncoded)).toEqual({ basicAuthPassword: COMPUTED_SECRETS.accessPolicyToken("grafana-cloud-metrics-read-token") });
    });

    test("Cloud Monitoring: JWT of the stack's own service account, its private key a secret", () => {
      const gcm = run().ofType(G.dataSource).find((s) => s.inputs.uid === ds.cloudMonitoring.uid)!;
      expect(gcm.inputs.type).toBe("stackdriver");
      expect(JSON.parse(gcm.inputs.jsonDataEncoded)).toEqual({
        authenticationType: "jwt",
        defaultProject: c.gcp.project,
        clientEmail: "grafana-monitoring@test.iam.gserviceaccount.com",
        tokenUri: "https://oauth2.googleapis.com/token",
      });
      expect(gcm.secretPaths).toContain("secureJsonDataEncoded");
      expect(JSON.parse(gcm.inputs.secureJsonDataEncoded)).toEqual({ privateKey: COMPUTED_SECRETS.serviceAccountPrivateKey });
    });

    test("every data source a dashboard uses is reachable from Grafana Cloud", () => {
      const sources = run().ofType(G.dataSource);
      const used = usedUids(renderDashboards(c).map((d) => d.model), Object.values(ds).map((d) => d.uid));
      expect(used.sort()).toEqual(Object.values(ds).map((d) => d.uid).sort());
      for (const uid of used) {
        const source = sources.find((s) => s.inputs.uid === uid);
        expect({ uid, problem: source ? unreachable(source.inputs as DataSourceInputs) : "not created" }).toEqual({ uid, problem: undefined });
      }
    });

    test("one dashboard per dashboards/ module, in the folder, uploaded exactly as rendered", () => {
      const dashboards = run().ofType(G.dashboard);
      const expected = renderDashboards(c);
      expect(dashboards.map((d) => JSON.parse(d.inputs.configJson).uid).sort()).toEqual(expected.map((d) => d.uid).sort());
      for (const d of dashboards) {
        expect(d.inputs.folder).toBe(`coditect-license-api-${c.environment}`);
        expect(d.inputs.overwrite).toBe(true);
        expect(d.provider).toMatch(/::grafana::/);
        const model = expected.find((e) => e.uid === JSON.parse(d.inputs.configJson).uid)!.model;
        expect(d.inputs.configJson).toBe(dashboardJson(model));
      }
    });

    test("one Grafana component", () => {
      expect(run().ofType(G.component).map((r) => r.name)).toEqual(["grafana"]);
    });

    test("dashboardUrls exports each dashboard's URL by key", () => {
      const urls = run().outputs.dashboardUrls as Record<string, string>;
      const base = c.grafana.url.replace(/\/$/, "");
      expect(urls).toEqual(Object.fromEntries(Object.entries(DASHBOARDS).map(([key, d]) => [key, `${base}/d/${d.uid}-${c.environment}`])));
    });
  });
}
