// Helm values of kube-prometheus-stack. Grafana is managed elsewhere, Alertmanager reads its config
// from this stack's own Secret, and the selectors pick up this stack's ServiceMonitors, Probes and
// PrometheusRules whatever labels they carry (the chart's default only matches `release: <name>`).
import type { StackConfig } from "../../config";
import { externalLabels } from "../prometheus-config";

export const KUBE_PROMETHEUS_STACK = {
  chart: "kube-prometheus-stack",
  repo: "https://prometheus-community.github.io/helm-charts",
  release: "kube-prometheus-stack",
  /** The Secret holding alertmanager.yaml, created by this stack instead of the chart. */
  alertmanagerSecret: "alertmanager-license-api",
} as const;

export function kubePrometheusStackValues(c: StackConfig) {
  const everything = {};
  const volume = (size: string, storageClassName: string) => ({
    volumeClaimTemplate: {
      spec: { storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
    },
  });
  return {
    fullnameOverride: "kps",
    grafana: { enabled: false, forceDeployDashboards: false, forceDeployDatasources: false },
    prometheus: {
      service: { type: "ClusterIP" },
      prometheusSpec: {
        replicas: c.prometheus.replicas,
        retention: c.prometheus.retention,
        retentionSize: c.prometheus.retentionSize,
        scrapeInterval: c.prometheus.scrapeInterval,
        evaluationInterval: c.prometheus.evaluationInterval,
        externalLabels: externalLabels(c),
        resources: c.prometheus.resources,
        storageSpec: volume(c.prometheus.storageSize, c.prometheus.storageClass),
        podAntiAffinity: c.prometheus.replicas > 1 ? "hard" : "soft",
        serviceMonitorSelectorNilUsesHelmValues: false,
        serviceMonitorSelector: everything,
        serviceMonitorNamespaceSelector: everything,
        podMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelector: everything,
        podMonitorNamespaceSelector: everything,
        probeSelectorNilUsesHelmValues: false,
        probeSelector: everything,
        probeNamespaceSelector: everything,
        ruleSelectorNilUsesHelmValues: false,
        ruleSelector: everything,
        ruleNamespaceSelector: everything,
      },
    },
    alertmanager: {
      service: { type: "ClusterIP" },
      alertmanagerSpec: {
        replicas: c.alertmanager.replicas,
        useExistingSecret: true,
        configSecret: KUBE_PROMETHEUS_STACK.alertmanagerSecret,
        resources: c.alertmanager.resources,
        storage: volume(c.alertmanager.storageSize, c.prometheus.storageClass),
        podAntiAffinity: c.alertmanager.replicas > 1 ? "hard" : "soft",
      },
    },
    prometheusOperator: { admissionWebhooks: { enabled: true } },
    "kube-state-metrics": { fullnameOverride: "kube-state-metrics" },
    "prometheus-node-exporter": { fullnameOverride: "node-exporter" },
  };
}
