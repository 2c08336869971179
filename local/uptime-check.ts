// A stand-in for the Cloud Monitoring uptime check and its alert policy (components/uptime.ts), outside
// the local stack: every checker region requests the public URL once per `uptime.period`, the regions
// spread over the period; a check passes on a 2xx answer holding the content matcher within the
// timeout. The policy's condition is evaluated as Cloud Monitoring evaluates it (render/uptime.ts:
// every EVALUATION_INTERVAL, holding for `uptime.period` before an incident opens, the incident
// closing at the first evaluation where it no longer holds), over the same two facts: the regions'
// latest results, and whether the cluster's Prometheus and Alertmanager have run within
// RUNNING_WITHIN (here: whether their processes have). An incident opens and closes a PagerDuty alert
// through the policy's own notification channel: its own integration key, and the incident's id as the
// dedup key.
import { EventEmitter } from "events";
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { EVALUATION_INTERVAL, MIN_FAILING_REGIONS, RUNNING_WITHIN } from "../render/uptime";

export const UPTIME_ALERT = "UptimeCheckFailed";

export interface UptimeCheckOptions {
  config: StackConfig;
  /** The public health URL of the local stack. */
  url: string;
  /** Events API v2 endpoint of the PagerDuty stand-in. */
  pagerdutyUrl: string;
  /** The notification channel's integration key: not Alertmanager's. */
  routingKey: string;
  /** Milliseconds since the epoch at which the last process of this kind ran (now while one runs). */
  lastRunning: (kind: "prometheus" | "alertmanager") => number;
}

export class UptimeCheck extends EventEmitter {
  private readonly timers: NodeJS.Timeout[] = [];
  /** Each region's latest result: true when it passed. */
  private readonly latest = new Map<string, boolean>();
  private holdingSince?: number;
  private incident?: string;
  private incidents = 0;

  constructor(private readonly o: UptimeCheckOptions) {
    super();
  }

  start() {
    const c = this.o.config;
    const period = seconds(c.uptime.period) * 1000;
    c.uptime.regions.forEach((region, i) => {
      const check = () => void this.check(region);
      this.timers.push(
        setTimeout(() => {
          check();
          this.timers.push(setInterval(check, period));
        }, (i * period) / c.uptime.regions.length),
      );
    });
    this.timers.push(setInterval(() => void this.evaluate(), seconds(EVALUATION_INTERVAL) * 1000));
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
  }

  /** Whether the policy's condition holds now. */
  holds(now = Date.now()): boolean {
    const failing = [...this.latest.values()].filter((passed) => !passed).length;
    const within = seconds(RUNNING_WITHIN) * 1000;
    const clusterCanPage = now - this.o.lastRunning("prometheus") < within && now - this.o.lastRunning("alertmanager") < within;
    return failing >= MIN_FAILING_REGIONS && !clusterCanPage;
  }

  private async check(region: string) {
    const c = this.o.config;
    let passed = false;
    try {
      const r = await fetch(this.o.url, { signal: AbortSignal.timeout(seconds(c.uptime.timeout) * 1000) });
      passed = r.ok && (await r.text()).includes(c.uptime.contentMatcher);
    } catch {
      passed = false;
    }
    this.latest.set(region, passed);
  }

  private async evaluate() {
    const now = Date.now();
    if (!this.holds(now)) {
      this.holdingSince = undefined;
      if (this.incident) await this.notify("resolve", this.incident);
      this.incident = undefined;
      return;
    }
    this.holdingSince ??= now;
    if (!this.incident && now - this.holdingSince >= seconds(this.o.config.uptime.period) * 1000) {
      this.incident = `uptime-incident-${++this.incidents}-${now}`;
      await this.notify("trigger", this.incident);
    }
  }

  private async notify(action: "trigger" | "resolve", dedupKey: string) {
    const event = {
      routing_key: this.o.routingKey,
      event_action: action,
      dedup_key: dedupKey,
      payload: { summary: `${UPTIME_ALERT}: license API unreachable from outside (${this.o.config.environment})`, source: "Cloud Monitoring", severity: "critical" },
    };
    await fetch(this.o.pagerdutyUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) }).catch(() => undefined);
  }
}
