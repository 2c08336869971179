// The remote write of long-term metrics, one renderer for both places it runs: the Prometheus CR of the
// cluster (the Operator's camelCase RemoteWriteSpec) and the local stack's prometheus.yml (Prometheus'
// own snake_case remote_write), so that the local test sends exactly what the cluster sends.
//
// What leaves the cluster is an allowlist: exactly the series the long-term store's readers read
// (lib/long-term.ts: the monthly report, the SLO dashboard's long-range panels), each by name, the raw
// ones of the API's job only. Any series carrying a per-license label is then dropped whole, ALERTS of a
// per-license alert included: customer license keys never leave the cluster, and the cost stays
// bounded by the list, not by the number of customers or of the cluster's pods.
import type { StackConfig } from "../config";
import { longTermSeries } from "../lib/long-term";
import { regexLiteral } from "../lib/regex";

/**
 * The external label Mimir's HA tracker reads the replica from (its `ha_replica_label` default); the
 * HA cluster is the `cluster` external label (`ha_cluster_label`), the same on every replica.
 * grafana/mimir pkg/util/validation/limits.go, HAClusterLabel and HAReplicaLabel.
 */
export const REPLICA_LABEL = "__replica__";
export const HA_CLUSTER_LABEL = "cluster";

/** Labels whose value identifies one license: the API's license_key, and the license_id that may replace it. */
export const PER_LICENSE_LABELS = ["license_key", "license_id"] as const;

/** Name of the remote write in Prometheus (its metrics' `remote_name` label). */
export const REMOTE_WRITE_NAME = "long-term";

/** One of Prometheus' write_relabel_configs, in its own (snake_case) form. */
export interface WriteRelabelConfig {
  source_labels: string[];
  separator?: string;
  regex: string;
  action: "keep" | "drop";
}

/** Prometheus' write_relabel_configs: keep the allowlist, then drop anything per license. */
export function writeRelabelConfigs(c: StackConfig): WriteRelabelConfig[] {
  const kept = longTermSeries(c).map((s) => `${regexLiteral(s.name)};${s.job === undefined ? ".*" : regexLiteral(s.job)}`);
  return [
    { source_labels: ["__name__", "job"], separator: ";", regex: kept.join("|"), action: "keep" },
    ...PER_LICENSE_LABELS.map((label): WriteRelabelConfig => ({ source_labels: [label], regex: ".+", action: "drop" })),
  ];
}

export function queueConfig(c: StackConfig) {
  const q = c.longTermMetrics.queue;
  return {
    capacity: q.capacity,
    min_shards: q.minShards,
    max_shards: q.maxShards,
    max_samples_per_send: q.maxSamplesPerSend,
    batch_send_deadline: q.batchSendDeadline,
    min_backoff: q.minBackoff,
    max_backoff: q.maxBackoff,
  };
}

/** One remote_write entry of prometheus.yml, without credentials (the local receiver takes none). */
export function prometheusRemoteWrite(c: StackConfig, url: string) {
  return { name: REMOTE_WRITE_NAME, url, write_relabel_configs: writeRelabelConfigs(c), queue_config: queueConfig(c) };
}

/** The Secret the Prometheus pods read the store's credentials from (keys `username` and `password`). */
export const REMOTE_WRITE_SECRET = "prometheus-remote-write";

/**
 * The same entry as the Operator's RemoteWriteSpec: its fields are prometheus.yml's in camelCase, and
 * the credentials come from a Secret by reference, never inline.
 */
export function operatorRemoteWrite<Url>(c: StackConfig, url: Url) {
  const { url: _url, ...rest } = prometheusRemoteWrite(c, "");
  return {
    ...camelCase(rest),
    url,
    basicAuth: {
      username: { name: REMOTE_WRITE_SECRET, key: "username" },
      password: { name: REMOTE_WRITE_SECRET, key: "password" },
    },
  };
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());

function camelCase(value: unknown): Record<string, unknown> {
  const walk = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(walk) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), walk(x)])) : v;
  return walk(value) as Record<string, unknown>;
}
