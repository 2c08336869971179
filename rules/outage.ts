// Outage detection within 60 s. Two independent signals, so no single failure mode hides an outage:
// - the black-box probe of the health endpoint fails when the process dies (connection refused),
//   hangs (probe timeout) or has no endpoints left (pods deleted, service scaled to zero);
// - the /metrics targets: all down, or gone from discovery, which `up == 0` alone never sees.
// Each rule's `for:` outlasts one interval of its signal, so a single failed scrape or probe never pages.
import type { StackConfig } from "../config";
import { alert } from "./build";
import type { RuleGroup } from "./types";
import { panelUrl, selectors } from "../lib/identities";

export function outageRules(c: StackConfig): RuleGroup {
  const s = selectors(c);
  const common = {
    severity: "critical" as const,
    summary: "License API is down: customers cannot validate licenses",
    runbook: "apiserverdown",
    dashboard: panelUrl(c, "licenseApi", "requestRate"),
  };
  return {
    name: "license-api.outage",
    interval: c.alerts.outage.evaluationInterval,
    rules: [
      alert(c, "APIServerDown", `max(probe_success{${s.probe}}) == 0`, {
        ...common,
        for: c.alerts.outage.probeFor,
        description: `The health endpoint has failed every black-box probe for ${c.alerts.outage.probeFor}: the API refuses connections, hangs, or has no endpoints left.`,
        labels: { signal: "probe" },
      }),
      // `or vector(0)` rather than `or absent(...)`: both branches must carry the same (empty) labels, or
      // targets that go from down to deleted become a new alert and its `for:` starts over.
      alert(c, "APIServerDown", `(sum(up{${s.api}}) or vector(0)) == 0`, {
        ...common,
        for: c.alerts.outage.targetsFor,
        description: `No license API target has answered a scrape for ${c.alerts.outage.targetsFor}, or every target has vanished from discovery (pods deleted, deployment scaled to zero).`,
        labels: { signal: "targets" },
      }),
    ],
  };
}
