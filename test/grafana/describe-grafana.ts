// What the Grafana component must register in every stack, asserted on the real program under mocks.
import { dashboardJson, dataSources, renderDashboards } from "../../dashboards";
import { DASHBOARDS } from "../../lib/identities";
import type { StackName } from "../../lib/stack-file";
import { jaegerQueryUrl } from "../../render/collector-config";
import { allStrings, plaintextInputs, TEST_SECRETS, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";

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
    test("one Grafana provider for the configured URL, its auth a secret", () => {
      const providers = run().ofType(G.provider);
      expect(providers.map((p) => p.name)).toEqual(["grafana"]);
      expect(providers[0].inputs.url).toBe(c.grafana.url);
      expect(providers[0].inputs.auth).toBe(TEST_SECRETS.grafanaAuth);
      expect(providers[0].secretPaths).toContain("auth");
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

    test("Prometheus, Jaeger and Cloud Monitoring data sources with their fixed uids, through the Grafana provider", () => {
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

      const gcm = byUid[ds.cloudMonitoring.uid].inputs;
      expect(gcm.type).toBe("stackdriver");
      expect(JSON.parse(gcm.jsonDataEncoded)).toEqual({ authenticationType: "gce", defaultProject: c.gcp.project });
      expect(gcm.secureJsonDataEncoded).toBeUndefined();
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
