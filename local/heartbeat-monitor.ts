// A stand-in for the dead man's switch service behind `heartbeatUrl`: it expects the Watchdog's ping
// every HEARTBEAT_PERIOD_SECONDS, and once a ping is later than that period plus HEARTBEAT_GRACE_SECONDS
// (docs/bootstrap.md sets the real check up with both), it pages through its own PagerDuty integration;
// the next ping resolves that incident. Like such services, it says nothing before the first ping.
import type { StackConfig } from "../config";
import { HEARTBEAT_GRACE_SECONDS, HEARTBEAT_PERIOD_SECONDS } from "../render/alertmanager-config";
import { sendPagerDutyEvent } from "./receivers";

export const HEARTBEAT_ALERT = "DeadMansSwitch";
/** How often the stand-in looks at the time since the last ping. */
const CHECK_EVERY_MS = 1000;

export interface HeartbeatMonitorOptions {
  config: StackConfig;
  /** Events API v2 endpoint of the PagerDuty stand-in. */
  pagerdutyUrl: string;
  /** Its own integration key: neither Alertmanager's nor the uptime check's. */
  routingKey: string;
}

export class HeartbeatMonitor {
  private lastPing?: number;
  private incident?: string;
  private incidents = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: HeartbeatMonitorOptions) {}

  start() {
    this.timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
  }

  stop() {
    clearInterval(this.timer);
  }

  /** A ping arrived (a heartbeat delivery from Alertmanager). */
  ping(at: number) {
    this.lastPing = at;
    if (this.incident) void this.notify("resolve", this.incident);
    this.incident = undefined;
  }

  private async check(now = Date.now()) {
    if (this.lastPing === undefined || this.incident) return;
    if (now - this.lastPing > (HEARTBEAT_PERIOD_SECONDS + HEARTBEAT_GRACE_SECONDS) * 1000) {
      this.incident = `heartbeat-${++this.incidents}-${now}`;
      await this.notify("trigger", this.incident);
    }
  }

  private async notify(action: "trigger" | "resolve", dedupKey: string) {
    const late = this.lastPing === undefined ? 0 : Math.round((Date.now() - this.lastPing) / 1000);
    const summary = `${HEARTBEAT_ALERT}: no Watchdog from the cluster's alerting for ${late} s (${this.o.config.environment})`;
    await sendPagerDutyEvent(this.o.pagerdutyUrl, this.o.routingKey, action, dedupKey, summary, "heartbeat");
  }
}
