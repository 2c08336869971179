// Prometheus and Alertmanager on the cluster (kube-prometheus-stack), the license API's rules, and
// Alertmanager's config in a Secret: it carries the PagerDuty key and Slack webhooks, so never a ConfigMap.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { toYaml } from "../lib/yaml";
import { pinnedRelease } from "./helm-release";
import { alertmanagerConfig } from "../render/alertmanager-config";
import { kubePrometheusStackRelease } from "../render/releases";
import { KUBE_PROMETHEUS_STACK } from "../render/values/kube-prometheus-stack";
import { licenseApiRules } from "../render/custom-resources";
import { REMOTE_WRITE_SECRET } from "../render/remote-write";

export interface PrometheusArgs {
  config: StackConfig;
  pagerdutyRoutingKey: pulumi.Input<string>;
  /** The Slack incoming webhooks, one per destination (render/alertmanager-config.ts, SLACK_RECEIVERS). */
  slackAlertsWebhookUrl: pulumi.Input<string>;
  slackTicketsWebhookUrl: pulumi.Input<string>;
  slackPlatformWebhookUrl: pulumi.Input<string>;
  heartbeatUrl?: pulumi.Input<string>;
  /** The long-term store Prometheus remote-writes to, and the credentials that may write there. */
  remoteWrite: { url: pulumi.Input<string>; username: pulumi.Input<string>; password: pulumi.Input<string> };
}

export class Prometheus extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly prometheusUrl: pulumi.Output<string>;
  readonly alertmanagerUrl: pulumi.Output<string>;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:Prometheus", name, {}, opts);
    const c = args.config;
    const child = { parent: this };

    // Protected: changing namespaces.monitoring would replace it and every release in it (a Release's
    // name and namespace force a replacement, and the new one, installed beside the old, fails on
    // their cluster-scoped objects), deleting its volumes with it. The engine refuses to replace a
    // protected resource while planning, in the preview, before any step runs (docs/charts.md says
    // how to move it).
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: c.namespaces.monitoring } }, { ...child, protect: true });
    const ns = namespace.metadata.name;

    const alertmanagerYaml = pulumi
      .all([args.pagerdutyRoutingKey, args.slackAlertsWebhookUrl, args.slackTicketsWebhookUrl, args.slackPlatformWebhookUrl, args.heartbeatUrl])
      .apply(([pagerdutyRoutingKey, slackAlertsWebhookUrl, slackTicketsWebhookUrl, slackPlatformWebhookUrl, heartbeatUrl]) =>
        toYaml(alertmanagerConfig(c, { pagerdutyRoutingKey, slackAlertsWebhookUrl, slackTicketsWebhookUrl, slackPlatformWebhookUrl, heartbeatUrl })),
      );
    const secret = new k8s.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: { name: KUBE_PROMETHEUS_STACK.alertmanagerSecret, namespace: ns },
        type: "Opaque",
        stringData: { "alertmanager.yaml": pulumi.secret(alertmanagerYaml) },
      },
      child,
    );

    // Read by the Prometheus pods through the CR's basicAuth references (render/remote-write.ts).
    const remoteWriteSecret = new k8s.core.v1.Secret(
      `${name}-remote-write`,
      {
        metadata: { name: REMOTE_WRITE_SECRET, namespace: ns },
        type: "Opaque",
        stringData: pulumi.secret({ username: args.remoteWrite.username, password: args.remoteWrite.password }),
      },
      child,
    );

    // The chart installs the CRDs this stack's PrometheusRule, ServiceMonitor and Probe objects need.
    const release = pinnedRelease(`${name}-stack`, kubePrometheusStackRelease(c, args.remoteWrite.url), ns, { ...child, dependsOn: [secret, remoteWriteSecret] });

    // After the release: its CRDs define PrometheusRule.
    new k8s.apiextensions.CustomResource(`${name}-rules`, licenseApiRules(c), { ...child, dependsOn: [release] });

    this.namespace = ns;
    this.prometheusUrl = pulumi.interpolate`http://kps-prometheus.${ns}.svc:9090`;
    this.alertmanagerUrl = pulumi.interpolate`http://kps-alertmanager.${ns}.svc:9093`;
    this.registerOutputs({ namespace: this.namespace, prometheusUrl: this.prometheusUrl, alertmanagerUrl: this.alertmanagerUrl });
  }
}
