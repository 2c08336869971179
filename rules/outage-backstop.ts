// The outage backstop (alerts.outage.backstop: managed): one rule, run by Managed Service for
// Prometheus' rule evaluator over Monarch, that keeps an outage the cluster paged open in Alertmanager
// once every Prometheus replica is gone while the API is still down.
//
// Why: Prometheus sends each firing alert with an end time four resend periods ahead (4 minutes); when
// every replica is gone, Alertmanager resolves the outage's page once those expire, while the API may
// still be down. This alert, named and labelled as APIServerDown is (so it falls into the same
// Alertmanager group, the same PagerDuty dedup_key), keeps the group firing until the probes pass.
//
// It opens nothing of its own. A recording, made while a replica answers, keeps whether the replicas'
// latest answer carried a firing APIServerDown; it stops when they stop answering, so its last value
// says whether the cluster was paging when it went silent. The alert starts only when no replica has
// answered for a minute and that value is 1: while any replica runs it never fires, an outage the
// cluster never paged (Prometheus gone before it began) is the external uptime check's, and neither is
// one that began after an outage the cluster paged had ended. It then holds on its own ALERTS until the
// probes pass, or until a replica answers and fires APIServerDown again (its own alert reached
// Alertmanager before the collector scraped it, so the group never empties in between).
//
// Its inputs are what the managed collector scrapes into Monarch (render/managed-prometheus.ts): the
// blackbox exporter's probes of the health and public URLs, and the replicas' `/federate` for their
// firing APIServerDown. It has no `for:` (the Rules API has no keep_firing_for either): its start
// already waits a minute of silence, and each input is read over a window, never as an instant, so
// neither a missing sample nor Monarch's own look-back decides it.
import type { StackConfig } from "../config";
import { panelUrl } from "../lib/identities";
import { backstopProbeJobs, clusterPagesJob, OUTAGE_BACKSTOP } from "../lib/outage-backstop";
import { alert, ownerMatchers, record } from "./build";
import type { RuleGroup } from "./types";

export const BACKSTOP_SIGNAL = "backstop";
/** Whether the replicas' latest answer carried a firing APIServerDown (1) or not (0); not recorded while none answers. */
export const CLUSTER_PAGING = "license_api_monitoring:cluster_paging:latest";

export function outageBackstopRules(c: StackConfig): RuleGroup {
  const o = OUTAGE_BACKSTOP;
  const replicas = clusterPagesJob(c);
  const replicaPaged = `ALERTS{job="${replicas}", alertname="APIServerDown", alertstate="firing"}`;
  // The latest scrape of each kind, one scrape interval and a margin back.
  const latest = o.carriedWithin;
  const answering = `max(last_over_time(up{job="${replicas}"}[${latest}])) == 1`;
  // Some probe (of the health endpoint or the public URL) has not succeeded for a while.
  const stillDown = `min(max by (job) (max_over_time(probe_success{job=~"${backstopProbeJobs(c).join("|")}"}[${o.failingFor}]))) == 0`;
  const replicaAnswered = `max(max_over_time(up{job="${replicas}"}[${o.silentFor}])) == 1`;
  const pagedWhenSilenced = `max(last_over_time(${CLUSTER_PAGING}[${o.pagedWithin}])) == 1`;
  const holding = `max(max_over_time(ALERTS{alertname="APIServerDown", signal="${BACKSTOP_SIGNAL}", alertstate="firing", ${ownerMatchers()}}[${o.pagedWithin}]))`;
  const carried = `${answering} and on () max(last_over_time(${replicaPaged}[${latest}]))`;
  return {
    name: "license-api.outage-backstop",
    interval: o.interval,
    rules: [
      record(CLUSTER_PAGING, `(${carried}) * 0 + 1 or on () (${answering}) * 0`),
      alert(c, "APIServerDown", `${stillDown} and on () (
        (${pagedWhenSilenced} unless on () ${replicaAnswered})
        or (${holding} unless on () (${carried}))
      )`, {
        severity: "critical",
        summary: "License API is down: customers cannot validate licenses",
        description: `The cluster paged this outage, then every Prometheus replica stopped answering (none for ${o.silentFor}); the probes, read from Managed Service for Prometheus, still fail. This keeps the page open until they pass or a replica fires APIServerDown again.`,
        runbook: "apiserverdown",
        dashboard: panelUrl(c, "licenseApi", "requestRate"),
        labels: { signal: BACKSTOP_SIGNAL },
      }),
    ],
  };
}

/** The groups the backstop adds to the managed rule evaluator: none unless alerts.outage.backstop is "managed". */
export function backstopRuleGroups(c: StackConfig): RuleGroup[] {
  return c.alerts.outage.backstop === "managed" ? [outageBackstopRules(c)] : [];
}
