// Composition root: load and validate the stack config, make the providers, wire the components,
// export what app deploys consume. Nothing else happens here.
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pagerduty from "@pulumi/pagerduty";
import * as pulumi from "@pulumi/pulumi";
import { LicenseApiScraping } from "./components/license-api-scraping";
import { OnCall } from "./components/on-call";
import { Prometheus } from "./components/prometheus";
import { loadStackConfig } from "./config";
import { gkeKubeconfig } from "./lib/kubeconfig";

const { config, secrets } = loadStackConfig();

const gcpProvider = new gcp.Provider("gcp", { project: config.gcp.project, region: config.gcp.region });
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

const onCall = new OnCall("license-api", { config: config.pagerduty }, { provider: pagerdutyProvider });
const prometheus = new Prometheus(
  "prometheus",
  {
    config,
    pagerdutyRoutingKey: onCall.integrationKey,
    slackWebhookUrl: secrets.slackWebhookUrl,
    heartbeatUrl: secrets.heartbeatUrl,
  },
  { provider: k8sProvider },
);
const scraping = new LicenseApiScraping("license-api", { config, monitoringNamespace: prometheus.namespace }, { provider: k8sProvider, dependsOn: [prometheus] });

export const monitoringNamespace = prometheus.namespace;
export const prometheusUrl = prometheus.prometheusUrl;
export const alertmanagerUrl = prometheus.alertmanagerUrl;
export const scrapeSelector = scraping.scrapeSelector;
export const pagerdutyServiceId = onCall.serviceId;
