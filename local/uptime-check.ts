// A stand-in for the Cloud Monitoring uptime check and its alert policy (components/uptime.ts), outside
// the local stack: every checker location of every configured region (the USA region has three)
// requests the public URL once per `uptime.period`, the locations spread over the period; a check
// passes on a 2xx answer holding the content matcher within the timeout. The policy's condition is
// evaluated as Cloud Monitoring evaluates it (render/uptime.ts: every EVALUATION_INTERVAL, holding for
// `uptime.period` before an incident opens, the incident closing at the first evaluation where it no
// longer holds), over the same facts: which regions have every location's latest check failing, and
// whether, since fewer regions last failed, there was an evaluation at which the cluster's Prometheus
// or Alertmanager had not run within RUNNING_WITHIN (here: whether their processes had). An incident opens and closes a PagerDuty alert
// through the policy's own notification channel: its own integration key, and the incident's id as the
// dedup key.
import { EventEmitter } from "events";
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { sendPagerDutyEvent } from "./receivers";
import { CHECKER_LOCATIONS, EVALUATION_INTERVAL, MIN_FAILING_REGIONS, regionOfLocation, RUNNING_WITHIN } from "../render/uptime";

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
  /** Each checker location's latest result: true when it passed. */
  private readonly latest = new Map<string, boolean>();
  /** The last evaluations at which fewer than MIN_FAILING_REGIONS regions failed, and at which the cluster could not page. */
  private lastPassing = 0;
  private lastBlind = 0;
  private holdingSince?: number;
  private incident?: string;
  private incidents = 0;

  constructor(private readonly o: UptimeCheckOptions) {
    super();
  }

  start() {
    const c = this.o.config;
    const period = seconds(c.uptime.period) * 1000;
    const locations = [...new Set(c.uptime.regions.flatMap((r) => CHECKER_LOCATIONS[r]))];
    locations.forEach((location, i) => {
      const check = () => void this.check(location);
      this.timers.push(
        setTimeout(() => {
          check();
          this.timers.push(setInterval(check, period));
        }, (i * period) / locations.length),
      );
    });
    this.timers.push(setInterval(() => void this.evaluate(), seconds(EVALUATION_INTERVAL) * 1000));
  }

  stop() {
    for (const t of this.timers) clearTimeout(t);
  }

  /** Regions whose every checker location's latest check failed. */
  failingRegions(): string[] {
    const regions = new Map<string, boolean[]>();
    for (const [location, passed] of this.latest) regions.set(regionOfLocation(location), [...(regions.get(regionOfLocation(location)) ?? []), passed]);
    return [...regions].filter(([, results]) => results.every((passed) => !passed)).map(([region]) => region);
  }

  /** Whether the policy's condition holds at this evaluation (and notes what later ones look back on). */
  holds(now = Date.now()): boolean {
    const within = seconds(RUNNING_WITHIN) * 1000;
    const clusterCanPage = now - this.o.lastRunning("prometheus") < within && now - this.o.lastRunning("alertmanager") < within;
    const failing = this.failingRegions().length >= MIN_FAILING_REGIONS;
    if (!failing) this.lastPassing = now;
    if (!clusterCanPage) this.lastBlind = now;
    return failing && this.lastBlind > this.lastPassing;
  }

  private async check(location: string) {
    const c = this.o.config;
    let passed = false;
    try {
      const r = await fetch(this.o.url, { signal: AbortSignal.timeout(seconds(c.uptime.timeout) * 1000) });
      passed = r.ok && (await r.text()).includes(c.uptime.contentMatcher);
    } catch {
      passed = false;
    }
    this.latest.set(location, passed);
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
    const summary = `${UPTIME_ALERT}: license API unreachable from outside, in an outage the cluster could not page (${this.o.config.environment})`;
    await sendPagerDutyEvent(this.o.pagerdutyUrl, this.o.routingKey, action, dedupKey, summary, "Cloud Monitoring");
  }
}
