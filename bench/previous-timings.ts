// The prod outage path as it was before repeated outages were paged promptly: the critical route's
// group_wait 5s and group_interval 1m, no hold on the outage alerts, and Alertmanager's default
// peer timeout of 15s. The benchmark replays it with `--repeat-timings previous` for a before/after.
import type { StackConfig } from "../config";

export const PREVIOUS_PEER_TIMEOUT = "15s";

export function previousTimings(c: StackConfig): { config: StackConfig } {
  return {
    config: {
      ...c,
      alertmanager: { ...c.alertmanager, critical: { groupWait: "5s", groupInterval: "1m", repeatInterval: "4h" } },
      // rules/outage.ts renders no keep_firing_for for a hold of 0s.
      alerts: { ...c.alerts, outage: { ...c.alerts.outage, keepFiringFor: "0s" } },
    },
  };
}
