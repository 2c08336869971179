// Outage detection within 60 s. Independent signals, so no single failure mode hides an outage:
// - the black-box probe of the health endpoint fails when the process dies (connection refused),
//   hangs (probe timeout) or has no endpoints left (pods deleted, service scaled to zero);
// - the /metrics targets: all down, or gone from discovery, which `up == 0` alone never sees;
// - the black-box probe of the public URL, through everything in front of the pods.
// Each rule's `for:` outlasts one interval of its signal, so a single failed scrape or probe never pages.
// The probes' alerts keep firing for `keepFiringFor` after the endpoint answers again: an API
// that falls again within that hold is still the same incident (one PagerDuty incident, no second
// page); one that stays up longer resolves the page, and its next fall is a new incident, paged as fast
// as the first. The targets' alert has no hold and resolves with the first good scrape, so it is always
// resolved before the probe's hold ends (keepFiringFor outlasts a scrape interval; the config schema
// checks it). Held too, it would end the incident on each Prometheus replica at that replica's own
// scrape, up to a scrape interval apart: the late replica's periodic resend of its still-firing alert,
// arriving after Alertmanager sent the resolve, reopened a PagerDuty incident (seen on the local stack).
// The replicas probe within one evaluation of each other, and send only at evaluations, so the probe's
// resolve reaches Alertmanager from both before its next notification.
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { alert, inhibitor, ownerMatchers } from "./build";
import { targetsJustVanished } from "./evidence";
import type { AlertingRule, RuleGroup } from "./types";
import { INHIBITORS, panelUrl, publicHealthUrl, publicProbeJob, selectors } from "../lib/identities";

export function outageRules(c: StackConfig): RuleGroup {
  const s = selectors(c);
  const common = {
    severity: "critical" as const,
    summary: "License API is down: customers cannot validate licenses",
    runbook: "apiserverdown",
    dashboard: panelUrl(c, "licenseApi", "requestRate"),
  };
  const held = (rule: AlertingRule): AlertingRule => {
    if (seconds(c.alerts.outage.keepFiringFor) === 0) return rule;
    const { alert: name, expr, for: pending, ...rest } = rule;
    return { alert: name, expr, ...(pending ? { for: pending } : {}), keep_firing_for: c.alerts.outage.keepFiringFor, ...rest };
  };
  return {
    name: "license-api.outage",
    interval: c.alerts.outage.evaluationInterval,
    rules: [
      held(alert(c, "APIServerDown", `max(probe_success{${s.probe}}) == 0`, {
        ...common,
        for: c.alerts.outage.probeFor,
        description: `The health endpoint has failed every black-box probe for ${c.alerts.outage.probeFor}: the API refuses connections, hangs, or has no endpoints left.`,
        labels: { signal: "probe" },
      })),
      // Every target down, or gone from discovery a moment ago (rules/evidence.ts) and still gone since
      // this alert was raised (its own ALERTS series, pending or firing): a Prometheus that has just
      // started and has not scraped yet raises nothing. Every branch has the same (empty) labels and
      // the value 0, or targets that go from down to deleted would become a new alert whose `for:`
      // starts over. Not while the health endpoint answers its probes: then the API serves and only its
      // /metrics fails, as when a scrape exceeds the sample limit (the scrape fails whole and up is 0),
      // which is no outage (APIMetricsSampleLimit says so, without paging).
      alert(c, "APIServerDown", `(
        max(up{${s.api}}) == 0
        or ${targetsJustVanished(c)} * 0
        or (max(ALERTS{alertname="APIServerDown", signal="targets", ${ownerMatchers()}}) * 0 unless on () count(up{${s.api}}))
      ) unless on () max(probe_success{${s.probe}}) == 1`, {
        ...common,
        for: c.alerts.outage.targetsFor,
        description: `No license API target has answered a scrape for ${c.alerts.outage.targetsFor}, or every target has vanished from discovery (pods deleted, deployment scaled to zero), and no probe of the health endpoint succeeds.`,
        labels: { signal: "targets" },
      }),
      // What customers and the external uptime check reach: DNS, the load balancer, TLS and the ingress
      // in front of the pods. With this signal every outage the uptime check can see pages here first,
      // in the same incident, and the uptime check pages only when the cluster cannot (render/uptime.ts).
      held(alert(c, "APIServerDown", `max(probe_success{job="${publicProbeJob(c)}"}) == 0`, {
        ...common,
        for: c.alerts.outage.probeFor,
        description: `${publicHealthUrl(c)} has failed every probe from inside the cluster for ${c.alerts.outage.probeFor}: DNS, the load balancer, TLS or the ingress fail customers, whether or not the pods answer.`,
        labels: { signal: "public" },
      })),
      inhibitor(c, INHIBITORS.outage, 'alertname="APIServerDown"', "any APIServerDown signal"),
    ],
  };
}
