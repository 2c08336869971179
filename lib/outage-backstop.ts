// What the outage backstop (alerts.outage.backstop: managed) and the managed collector's scrapes it reads
// share: the jobs the collector writes into Monarch, and the windows the backstop's rule reads them
// over. Below both the rules (rules/outage-backstop.ts) and the renderer of the managed objects
// (render/managed-prometheus.ts), so each names the same job.
import type { StackConfig } from "../config";
import { probeJob, publicProbeJob } from "./identities";

/**
 * The job (the PodMonitoring's name, which the managed collector writes as `job`) of the collector's
 * scrape of the cluster's Prometheus replicas: their `/federate`, for the APIServerDown alerts they
 * fire. Whether it answers says whether a replica is there; what it returns says whether it paged.
 */
export const clusterPagesJob = (c: StackConfig) => `${c.licenseApi.job}-cluster-pages`;

/**
 * The jobs of the collector's own black-box probes, named as the cluster's probe jobs are: each is a
 * PodMonitoring of the blackbox exporter, with the module and target of the probe job of its name.
 */
export const backstopProbeJobs = (c: StackConfig) => [probeJob(c), publicProbeJob(c)];

export const OUTAGE_BACKSTOP = {
  /** How often the collector scrapes the probes and the replicas, and the evaluator runs the rule. */
  interval: "15s",
  /** No replica answered for this long: every Prometheus is gone (four scrapes, so one failed scrape never counts). */
  silentFor: "1m",
  /** How far back the replicas' last answer is read, and the backstop's own alert counts as firing. */
  pagedWithin: "5m",
  /** The replicas' latest answer: a scrape interval and a margin back. A replica answering and firing APIServerDown this recently carries the outage. */
  carriedWithin: "20s",
  /** The probes have not succeeded for this long: the API is still down. */
  failingFor: "1m",
} as const;
