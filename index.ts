// Composition root: load and validate the stack config, make the providers, wire the components,
// export what app deploys consume. Nothing else happens here.
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import * as grafana from "@pulumiverse/grafana";
import { CloudMonitoringReader } from "./components/cloud-monitoring-reader";
import { Grafana } from "./components/grafana";
import { GrafanaCloud } from "./components/grafana-cloud";
import { LicenseApiNamespace } from "./components/license-api-namespace";
import { LicenseApiScraping } from "./components/license-api-scraping";
import { ManagedRuleEvaluation } from "./components/managed-rule-evaluation";
import { Logging } from "./components/logging";
import { OnCall } from "./components/on-call";
import { PdcAgent } from "./components/pdc-agent";
import { ProjectServices } from "./components/project-services";
import { Prometheus } from "./components/prometheus";
import { Tracing } from "./components/tracing";
import { Uptime } from "./components/uptime";
import { managedPlacements } from "./render/managed-prometheus";
import { loadStackConfig } from "./config";
import { gkeKubeconfig } from "./lib/kubeconfig";

const { config, secrets } = loadStackConfig();

const gcpProvider = new gcp.Provider("gcp", { project: config.gcp.project, region: config.gcp.region });
// The APIs the GCP resources below call; each component that has such resources waits for them.
const services = new ProjectServices("project", { project: config.gcp.project }, { provider: gcpProvider });
const cluster = gcp.container.getClusterOutput(
  { name: config.cluster.name, location: config.cluster.location, project: config.gcp.project },
  { provider: gcpProvider },
);
const k8sProvider = new k8s.Provider("gke", {
  kubeconfig: pulumi.secret(
    pulumi
      .all([cluster.endpoint, cluster.masterAuths])
      .apply(([endpoint, auths]) => gkeKubeconfig({ name: config.cluster.name, endpoint, caCertificate: auths[0].clusterCaCertificate })),
  ),
  enableServerSideApply: true,
});
const pagerdutyProvider = new pagerduty.Provider("pagerduty", { token: secrets.pagerdutyToken });
const grafanaProvider = new grafana.Provider("grafana", { url: config.grafana.url, auth: secrets.grafanaAuth });
// Grafana Cloud's own API (stacks, PDC networks, access policies), with the Cloud access policy token.
const grafanaCloudProvider = new grafana.Provider("grafana-cloud", { cloudAccessPolicyToken: secrets.grafanaCloudAccessPolicyToken });

// The config requires grafana.cloud wherever Grafana is Grafana Cloud and wherever the long-term store is its Mimir.
const grafanaCloud = new GrafanaCloud("grafana-cloud", { config }, { provider: grafanaCloudProvider });

const onCall = new OnCall("license-api", { config: config.pagerduty }, { provider: pagerdutyProvider });
const prometheus = new Prometheus(
  "prometheus",
  {
    config,
    pagerdutyRoutingKey: onCall.integrationKey,
    slackAlertsWebhookUrl: secrets.slackAlertsWebhookUrl,
    slackTicketsWebhookUrl: secrets.slackTicketsWebhookUrl,
    slackPlatformWebhookUrl: secrets.slackPlatformWebhookUrl,
    heartbeatUrl: secrets.heartbeatUrl,
    remoteWrite: grafanaCloud.remoteWrite,
  },
  { provider: k8sProvider },
);
const pdcAgent = new PdcAgent("pdc-agent", { config, namespace: prometheus.namespace, ...grafanaCloud.pdcAgent }, { provider: k8sProvider });
const cloudMonitoringReader = new CloudMonitoringReader("cloud-monitoring-reader", { config, now: new Date() }, { provider: gcpProvider, dependsOn: [services] });
// The API's namespace exists before its ServiceMonitor and NetworkPolicy go into it.
const apiNamespace = new LicenseApiNamespace("license-api-namespace", { namespace: config.namespaces.licenseApi }, { provider: k8sProvider });
const scraping = new LicenseApiScraping(
  "license-api",
  { config, monitoringNamespace: prometheus.namespace },
  { provider: k8sProvider, dependsOn: [prometheus, apiNamespace] },
);
// Managed Service for Prometheus' rule evaluator, for what the config places there: the per-license and
// seat forecast groups (alerts.perLicense.evaluator; the cluster's Prometheus then leaves them out), and
// the outage backstop (alerts.outage.backstop).
const placed = managedPlacements(config);
if (placed.seats || placed.backstop) {
  new ManagedRuleEvaluation(
    "managed-rules",
    { config, cluster },
    // Its IAM needs the project's APIs; the seats PodMonitoring goes into the API's namespace; the
    // backstop scrapes the probes and the replicas kube-prometheus-stack runs; the alerts go to its
    // Alertmanagers.
    { providers: [gcpProvider, k8sProvider], dependsOn: [services, apiNamespace, prometheus] },
  );
}
const logging = new Logging("logging", { config }, { provider: gcpProvider, dependsOn: [services] });
// dependsOn prometheus: the ServiceMonitor CRD comes with kube-prometheus-stack.
const tracing = new Tracing("tracing", { config, jaegerStoragePassword: secrets.jaegerStoragePassword }, { provider: k8sProvider, dependsOn: [prometheus] });
const dashboards = new Grafana(
  "grafana",
  {
    config,
    prometheusUrl: prometheus.prometheusUrl,
    jaegerUrl: tracing.jaegerQueryUrl,
    privateDataSourceConnectNetworkId: grafanaCloud.pdcNetworkId,
    longTerm: grafanaCloud.longTermQuery,
    cloudMonitoring: cloudMonitoringReader,
  },
  // The data sources work once the agent runs (a PDC data source's health check goes through it).
  { provider: grafanaProvider, dependsOn: [pdcAgent] },
);
const uptime = new Uptime("uptime", { config, pagerdutyServiceKey: onCall.cloudMonitoringIntegrationKey }, { provider: gcpProvider, dependsOn: [services] });

export const monitoringNamespace = prometheus.namespace;
export const licenseApiNamespace = apiNamespace.name;
export const prometheusUrl = prometheus.prometheusUrl;
export const alertmanagerUrl = prometheus.alertmanagerUrl;
export const scrapeSelector = scraping.scrapeSelector;
export const scrapeEndpoint = { namespace: config.namespaces.licenseApi, port: config.licenseApi.metricsPortName, path: config.licenseApi.metricsPath };
export const pagerdutyServiceId = onCall.serviceId;
export const logBucket = logging.apiBucket;
export const auditLogBucket = logging.auditBucket;
export const auditLogView = logging.auditView;
export const uptimeCheckId = uptime.checkId;
export const otlpGrpcEndpoint = tracing.otlpGrpcEndpoint;
export const otlpHttpEndpoint = tracing.otlpHttpEndpoint;
export const jaegerQueryUrl = tracing.jaegerQueryUrl;
export const dashboardUrls = dashboards.dashboardUrls;
