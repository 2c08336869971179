// What happens to each alert kube-prometheus-stack's own rules can raise with severity critical, decided
// once, here. A page wakes the license API's on-call, so it is for customer impact or its imminent
// cause; on this stack that means losing the ability to page at all. Everything else about the cluster
// goes to the platform channel, and alerts that cannot mean anything on GKE are not evaluated.
//
// Every critical alert the pinned chart renders must be listed (a test renders the chart and fails
// on a new one after a chart bump), and every entry must still exist in the chart.

export type ChartAlertDecision = "page" | "platform" | "off";

export interface ChartAlert {
  decision: ChartAlertDecision;
  why: string;
}

export const CHART_ALERTS = {
  // The paging path itself. If it breaks, an API outage pages nobody.
  AlertmanagerClusterDown: { decision: "page", why: "half or more Alertmanagers unreachable: pages may not go out" },
  AlertmanagerClusterCrashlooping: { decision: "page", why: "Alertmanagers restarting: pages are delayed or lost" },
  AlertmanagerClusterFailedToSendAlerts: { decision: "page", why: "every Alertmanager fails to deliver to an integration: notifications are being lost" },
  PrometheusRuleFailures: { decision: "page", why: "rule evaluations failing: the outage alerts may never fire" },
  PrometheusErrorSendingAlertsToAnyAlertmanager: { decision: "page", why: "Prometheus cannot hand alerts to Alertmanager: pages are being lost" },

  AlertmanagerFailedReload: { decision: "platform", why: "the previous config keeps running" },
  AlertmanagerMembersInconsistent: { decision: "platform", why: "a member out of the cluster still delivers; duplicates at worst" },
  AlertmanagerConfigInconsistent: { decision: "platform", why: "replicas disagree during a rollout; each still delivers" },
  PrometheusBadConfig: { decision: "platform", why: "the previous config keeps running" },
  PrometheusTargetSyncFailure: { decision: "platform", why: "existing targets keep being scraped" },
  PrometheusRemoteStorageFailures: { decision: "platform", why: "long-term storage lags; alerting is local" },
  PrometheusRemoteWriteBehind: { decision: "platform", why: "long-term storage lags; alerting is local" },
  KubeAPIDown: { decision: "platform", why: "the GKE control plane is Google's; running pods keep serving" },
  KubeAPIErrorBudgetBurn: { decision: "platform", why: "control-plane errors, owned by Google; deploys may fail, traffic does not" },
  KubeClientCertificateExpiration: { decision: "platform", why: "GKE rotates control-plane certificates" },
  KubeletDown: { decision: "platform", why: "node agents unreachable; an API outage still pages through APIServerDown" },
  KubeletClientCertificateExpiration: { decision: "platform", why: "GKE rotates kubelet certificates" },
  KubeletServerCertificateExpiration: { decision: "platform", why: "GKE rotates kubelet certificates" },
  KubeStateMetricsListErrors: { decision: "platform", why: "cluster-state metrics degraded, not the API" },
  KubeStateMetricsWatchErrors: { decision: "platform", why: "cluster-state metrics degraded, not the API" },
  KubeStateMetricsShardingMismatch: { decision: "platform", why: "cluster-state metrics degraded, not the API" },
  KubeStateMetricsShardsMissing: { decision: "platform", why: "cluster-state metrics degraded, not the API" },
  KubePersistentVolumeFillingUp: { decision: "platform", why: "a volume nearly full; the warning came days earlier" },
  KubePersistentVolumeInodesFillingUp: { decision: "platform", why: "a volume nearly out of inodes; the warning came days earlier" },
  KubePersistentVolumeErrors: { decision: "platform", why: "a volume failed to provision; the workload is not yet serving" },
  NodeFilesystemSpaceFillingUp: { decision: "platform", why: "GKE node disk; nodes are replaced by the node pool" },
  NodeFilesystemAlmostOutOfSpace: { decision: "platform", why: "GKE node disk; nodes are replaced by the node pool" },
  NodeFilesystemFilesFillingUp: { decision: "platform", why: "GKE node disk; nodes are replaced by the node pool" },
  NodeFilesystemAlmostOutOfFiles: { decision: "platform", why: "GKE node disk; nodes are replaced by the node pool" },
  NodeFileDescriptorLimit: { decision: "platform", why: "one node's kernel limit, not the API" },

  NodeRAIDDegraded: { decision: "off", why: "GKE node disks are not software RAID" },
  Watchdog: { decision: "off", why: "this stack's own Watchdog feeds the dead man's switch" },
  InfoInhibitor: { decision: "off", why: "info alerts are dropped by the routing; nothing to inhibit" },
} as const satisfies Record<string, ChartAlert>;

export type ChartAlertName = keyof typeof CHART_ALERTS;

export function chartAlertsDecided(decision: ChartAlertDecision): ChartAlertName[] {
  return (Object.keys(CHART_ALERTS) as ChartAlertName[]).filter((name) => CHART_ALERTS[name].decision === decision).sort();
}
