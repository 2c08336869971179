// Helm values of kube-prometheus-stack. Grafana is managed elsewhere, Alertmanager reads its config
// from this stack's own Secret, and the selectors pick up this stack's ServiceMonitors, Probes and
// PrometheusRules whatever labels they carry (the chart's default only matches `release: <name>`).
// On GKE the control plane (scheduler, controller manager, etcd) is not reachable from the cluster, so
// scraping it and its alerts are off: they would only ever report it as down.
import { ALERTMANAGER_PEER_TIMEOUT, type StackConfig } from "../../config";
import { IMAGE_PINS } from "../charts";
import { chartAlertsDecided } from "../chart-alerts";
import { externalLabels, REMOTE_WRITE_URL_PLACEHOLDER } from "../prometheus-config";
import { operatorRemoteWrite, REPLICA_LABEL } from "../remote-write";

/** busybox of the CRD upgrade job, pinned instead of the chart's `latest`. */
const CRD_UPGRADE_BUSYBOX_TAG = "1.37.0";

export const KUBE_PROMETHEUS_STACK = {
  release: "kube-prometheus-stack",
  /** The Secret holding alertmanager.yaml, created by this stack instead of the chart. */
  alertmanagerSecret: "alertmanager-license-api",
} as const;

/** `remoteWriteUrl` is the long-term store's, which the component looks up at deploy time. */
export function kubePrometheusStackValues<Url = string>(c: StackConfig, remoteWriteUrl: Url | string = REMOTE_WRITE_URL_PLACEHOLDER) {
  const everything = {};
  const volume = (size: string, storageClassName: string) => ({
    volumeClaimTemplate: {
      spec: { storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } },
    },
  });
  return {
    fullnameOverride: "kps",
    // Helm installs CRDs on first install only and never upgrades them; this pre-install/pre-upgrade
    // hook applies the chart's CRDs with server-side apply first, so a chart bump never runs a new
    // operator on old CRDs.
    crds: {
      enabled: true,
      upgradeJob: { enabled: true, forceConflicts: true, image: { busybox: { tag: CRD_UPGRADE_BUSYBOX_TAG } } },
    },
    grafana: { enabled: false, forceDeployDashboards: false, forceDeployDatasources: false },
    defaultRules: {
      disabled: Object.fromEntries(chartAlertsDecided("off").map((alert) => [alert, true])),
    },
    kubeScheduler: { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: !c.cluster.dataplaneV2 },
    // GKE serves cluster DNS with kube-dns or Cloud DNS, not CoreDNS: the chart's CoreDNS target would
    // select kube-dns pods on a port they do not serve.
    coreDns: { enabled: false },
    prometheus: {
      service: { type: "ClusterIP" },
      prometheusSpec: {
        replicas: c.prometheus.replicas,
        retention: c.prometheus.retention,
        retentionSize: c.prometheus.retentionSize,
        scrapeInterval: c.prometheus.scrapeInterval,
        evaluationInterval: c.prometheus.evaluationInterval,
        externalLabels: externalLabels(c),
        // The Operator adds this label with the pod's name to every replica's external labels (and
        // drops it from alerts): Mimir's HA tracker reads the replica from it.
        replicaExternalLabelName: REPLICA_LABEL,
        remoteWrite: [operatorRemoteWrite(c, remoteWriteUrl)],
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
        image: { registry: IMAGE_PINS.alertmanager.registry, repository: IMAGE_PINS.alertmanager.repository, tag: IMAGE_PINS.alertmanager.tag },
        replicas: c.alertmanager.replicas,
        useExistingSecret: true,
        configSecret: KUBE_PROMETHEUS_STACK.alertmanagerSecret,
        resources: c.alertmanager.resources,
        storage: volume(c.alertmanager.storageSize, c.prometheus.storageClass),
        podAntiAffinity: c.alertmanager.replicas > 1 ? "hard" : "soft",
        // Replicas notify on the same view of a group, never on a stale one (config.ts explains).
        clusterPeerTimeout: ALERTMANAGER_PEER_TIMEOUT,
      },
    },
    prometheusOperator: { admissionWebhooks: { enabled: true } },
    "kube-state-metrics": { fullnameOverride: "kube-state-metrics" },
    "prometheus-node-exporter": { fullnameOverride: "node-exporter" },
  };
}
