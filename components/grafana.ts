// The stack's slice of a managed Grafana: a folder, the data sources under fixed uids, and the
// dashboards (dashboards/), uploaded as JSON models. The Grafana provider (URL plus the auth secret)
// comes in through opts.
//
// Every data source is reachable from Grafana Cloud by construction: Prometheus and Jaeger listen on
// cluster-internal URLs and go through the Private Data source Connect network (the PDC agent in the
// cluster relays them); the long-term store is Grafana Cloud's own Mimir; Cloud Monitoring is Google's
// public API, authenticated with a dedicated service account's key (JWT), not with the credentials of
// a Google VM Grafana Cloud does not run on. Credentials are only ever in secureJsonData, as secrets.
import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { dashboardJson, dataSources, renderDashboards, timeIntervals } from "../dashboards";
import type { DashboardKey } from "../lib/identities";
import { GOOGLE_TOKEN_URI } from "./cloud-monitoring-reader";

export interface GrafanaArgs {
  config: StackConfig;
  /** Prometheus' HTTP API as Grafana reaches it, e.g. the in-cluster Service URL. */
  prometheusUrl: pulumi.Input<string>;
  /** Jaeger's query service (HTTP, port 16686) as Grafana reaches it. */
  jaegerUrl: pulumi.Input<string>;
  /** Grafana Cloud PDC network through which Grafana reaches the in-cluster URLs; unset for a Grafana with a route to them. */
  privateDataSourceConnectNetworkId?: pulumi.Input<string>;
  /** The long-term store's Prometheus-compatible query API and credentials that may only read it. */
  longTerm: { url: pulumi.Input<string>; username: pulumi.Input<string>; password: pulumi.Input<string> };
  /** The service account Grafana reads Cloud Monitoring as, and its key. */
  cloudMonitoring: { clientEmail: pulumi.Input<string>; privateKey: pulumi.Input<string> };
}

/** Dashboard and folder names in Pulumi are kebab-case keys. */
const kebab = (key: string) => key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);

export class Grafana extends pulumi.ComponentResource {
  readonly folderUid: pulumi.Output<string>;
  /** URL of each dashboard, by the key lib/identities.ts gives it. */
  readonly dashboardUrls: pulumi.Output<Record<DashboardKey, string>>;
  /** The data sources' fixed uids, by key. */
  readonly dataSourceUids: Record<"prometheus" | "jaeger" | "cloudMonitoring" | "longTerm", string>;

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
          timeInterval: timeIntervals(c).prometheus,
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
    // The long-range panels' store: Grafana Cloud's Mimir, reached over its public endpoint.
    const longTerm = new grafana.oss.DataSource(
      `${name}-long-term`,
      {
        type: ds.longTerm.type,
        uid: ds.longTerm.uid,
        name: ds.longTerm.name,
        url: args.longTerm.url,
        accessMode: "proxy",
        isDefault: false,
        basicAuthEnabled: true,
        basicAuthUsername: args.longTerm.username,
        jsonDataEncoded: JSON.stringify({
          httpMethod: "POST",
          prometheusType: "Mimir",
          timeInterval: timeIntervals(c).longTerm,
          manageAlerts: false,
        }),
        secureJsonDataEncoded: pulumi.secret(pulumi.output(args.longTerm.password).apply((basicAuthPassword) => JSON.stringify({ basicAuthPassword }))),
      },
      child,
    );
    // Uptime checks and log-based metrics, as the monitoring.viewer service account (JWT).
    const cloudMonitoring = new grafana.oss.DataSource(
      `${name}-cloud-monitoring`,
      {
        type: ds.cloudMonitoring.type,
        uid: ds.cloudMonitoring.uid,
        name: ds.cloudMonitoring.name,
        accessMode: "proxy",
        isDefault: false,
        jsonDataEncoded: pulumi
          .output(args.cloudMonitoring.clientEmail)
          .apply((clientEmail) => JSON.stringify({ authenticationType: "jwt", defaultProject: c.gcp.project, clientEmail, tokenUri: GOOGLE_TOKEN_URI })),
        secureJsonDataEncoded: pulumi.secret(pulumi.output(args.cloudMonitoring.privateKey).apply((privateKey) => JSON.stringify({ privateKey }))),
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
        { ...child, dependsOn: [prometheus, jaeger, longTerm, cloudMonitoring] },
      );
      // The uid is fixed, so the URL is known before Grafana answers; deriving it from the id keeps
      // the dependency: the URL exists only once the dashboard does.
      return dashboard.id.apply(() => [key, `${base}/d/${uid}`] as const);
    });

    this.folderUid = folder.uid;
    this.dashboardUrls = pulumi.all(urls).apply((entries) => Object.fromEntries(entries) as Record<DashboardKey, string>);
    this.dataSourceUids = { prometheus: ds.prometheus.uid, jaeger: ds.jaeger.uid, cloudMonitoring: ds.cloudMonitoring.uid, longTerm: ds.longTerm.uid };
    this.registerOutputs({ folderUid: this.folderUid, dashboardUrls: this.dashboardUrls });
  }
}
