// The stack's slice of a managed Grafana: a folder, the Prometheus, Jaeger and Google Cloud Monitoring
// data sources under fixed uids, and the dashboards (dashboards/), uploaded as JSON models. The Grafana
// provider (URL plus the auth secret) comes in through opts.
//
// Reaching in-cluster services: Prometheus and Jaeger listen on cluster-internal URLs. A Grafana that
// runs in the cluster (or in the VPC) reaches them directly; Grafana Cloud reaches them through a
// Private Data source Connect (PDC) agent running in the cluster. Pass the PDC network's id as
// `privateDataSourceConnectNetworkId` and both data sources are proxied through it (docs/grafana.md).
import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { dashboardJson, dataSources, renderDashboards } from "../dashboards";
import type { DashboardKey } from "../lib/identities";

export interface GrafanaArgs {
  config: StackConfig;
  /** Prometheus' HTTP API as Grafana reaches it, e.g. the in-cluster Service URL. */
  prometheusUrl: pulumi.Input<string>;
  /** Jaeger's query service (HTTP, port 16686) as Grafana reaches it. */
  jaegerUrl: pulumi.Input<string>;
  /** Grafana Cloud PDC network through which Grafana reaches the in-cluster URLs; unset for a Grafana with a route to them. */
  privateDataSourceConnectNetworkId?: pulumi.Input<string>;
}

/** Dashboard and folder names in Pulumi are kebab-case keys. */
const kebab = (key: string) => key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);

export class Grafana extends pulumi.ComponentResource {
  readonly folderUid: pulumi.Output<string>;
  /** URL of each dashboard, by the key lib/identities.ts gives it. */
  readonly dashboardUrls: pulumi.Output<Record<DashboardKey, string>>;
  /** The data sources' fixed uids, by key. */
  readonly dataSourceUids: Record<"prometheus" | "jaeger" | "cloudMonitoring", string>;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:Grafana", name, {}, opts);
    const c = args.config;
    const child = { parent: this };
    const ds = dataSources(c);
    const pdc = args.privateDataSourceConnectNetworkId;

    const folder = new grafana.oss.Folder(
      `${name}-folder`,
      { title: c.grafana.folder, uid: `coditect-license-api-${c.environment}`, preventDestroyIfNotEmpty: false },
      child,
    );

    const prometheus = new grafana.oss.DataSource(
      `${name}-prometheus`,
      {
        type: ds.prometheus.type,
        uid: ds.prometheus.uid,
        name: ds.prometheus.name,
        url: args.prometheusUrl,
        accessMode: "proxy",
        isDefault: false,
        privateDataSourceConnectNetworkId: pdc,
        jsonDataEncoded: JSON.stringify({
          httpMethod: "POST",
          prometheusType: "Prometheus",
          // $__rate_interval needs the scrape interval to be at least four samples wide.
          timeInterval: c.prometheus.scrapeInterval,
          // Alerting lives in Prometheus + Alertmanager (rules/); Grafana only shows it.
          manageAlerts: false,
        }),
      },
      child,
    );
    const jaeger = new grafana.oss.DataSource(
      `${name}-jaeger`,
      {
        type: ds.jaeger.type,
        uid: ds.jaeger.uid,
        name: ds.jaeger.name,
        url: args.jaegerUrl,
        accessMode: "proxy",
        isDefault: false,
        privateDataSourceConnectNetworkId: pdc,
        jsonDataEncoded: JSON.stringify({ nodeGraph: { enabled: true } }),
      },
      child,
    );
    // Uptime checks and log-based metrics. GCE authentication uses the credentials of the machine
    // Grafana runs on (workload identity on GKE): no key to store. Needs roles/monitoring.viewer.
    const cloudMonitoring = new grafana.oss.DataSource(
      `${name}-cloud-monitoring`,
      {
        type: ds.cloudMonitoring.type,
        uid: ds.cloudMonitoring.uid,
        name: ds.cloudMonitoring.name,
        accessMode: "proxy",
        isDefault: false,
        jsonDataEncoded: JSON.stringify({ authenticationType: "gce", defaultProject: c.gcp.project }),
      },
      child,
    );

    const base = c.grafana.url.replace(/\/$/, "");
    const urls = renderDashboards(c).map(({ key, uid, model }) => {
      const dashboard = new grafana.oss.Dashboard(
        `${name}-dashboard-${kebab(key)}`,
        {
          folder: folder.uid,
          configJson: dashboardJson(model),
          overwrite: true,
          message: "Managed by Pulumi (coditect-monitoring); edits in the UI are overwritten.",
        },
        { ...child, dependsOn: [prometheus, jaeger, cloudMonitoring] },
      );
      // The uid is fixed, so the URL is known before Grafana answers; deriving it from the id keeps
      // the dependency: the URL exists only once the dashboard does.
      return dashboard.id.apply(() => [key, `${base}/d/${uid}`] as const);
    });

    this.folderUid = folder.uid;
    this.dashboardUrls = pulumi.all(urls).apply((entries) => Object.fromEntries(entries) as Record<DashboardKey, string>);
    this.dataSourceUids = { prometheus: ds.prometheus.uid, jaeger: ds.jaeger.uid, cloudMonitoring: ds.cloudMonitoring.uid };
    this.registerOutputs({ folderUid: this.folderUid, dashboardUrls: this.dashboardUrls });
  }
}
