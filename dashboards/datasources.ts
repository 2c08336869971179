// The Grafana data sources this stack creates, by fixed uid, so that dashboards (and anything else
// that links into Grafana) can name them without looking them up. The uid carries the environment:
// staging and prod may share one Grafana organisation, where a uid (and a data source name) must be
// unique, and the two stacks' data sources point at different clusters.
import type { StackConfig } from "../config";

export type DataSourceKey = "prometheus" | "jaeger" | "cloudMonitoring" | "longTerm";

export interface DataSourceRef {
  /** The Grafana plugin id. Google Cloud Monitoring's is still `stackdriver`. */
  type: string;
  uid: string;
  /** Display name; unique within a Grafana organisation. */
  name: string;
}

const TYPES: Record<DataSourceKey, { type: string; uid: string; name: string }> = {
  prometheus: { type: "prometheus", uid: "coditect-prometheus", name: "CODITECT Prometheus" },
  jaeger: { type: "jaeger", uid: "coditect-jaeger", name: "CODITECT Jaeger" },
  cloudMonitoring: { type: "stackdriver", uid: "coditect-cloud-monitoring", name: "CODITECT Cloud Monitoring" },
  // The long-term store Prometheus remote-writes to (render/remote-write.ts), for the long-range panels.
  longTerm: { type: "prometheus", uid: "coditect-long-term", name: "CODITECT long-term metrics" },
};

/** The stack's data sources. Pure: the same for every run of a stack. */
export function dataSources(c: Pick<StackConfig, "environment">): Record<DataSourceKey, DataSourceRef> {
  const entries = (Object.keys(TYPES) as DataSourceKey[]).map((key) => {
    const t = TYPES[key];
    return [key, { type: t.type, uid: `${t.uid}-${c.environment}`, name: `${t.name} (${c.environment})` }] as const;
  });
  return Object.fromEntries(entries) as Record<DataSourceKey, DataSourceRef>;
}

/**
 * Each Prometheus-type data source's `timeInterval`: how far apart its samples lie, the shortest step
 * Grafana asks it for. The cluster's Prometheus holds scrapes; the long-term store, recorded series
 * (one sample per evaluation) and `ALERTS`. `$__rate_interval` is four of them at least.
 */
export function timeIntervals(c: Pick<StackConfig, "prometheus">): Record<"prometheus" | "longTerm", string> {
  return { prometheus: c.prometheus.scrapeInterval, longTerm: c.prometheus.evaluationInterval };
}

/** Grafana limits a uid to 40 characters. */
export const MAX_UID_LENGTH = 40;

/** Grafana's own data source of a panel whose queries each name theirs. */
export const MIXED_DATASOURCE = { type: "datasource", uid: "-- Mixed --" } as const;
