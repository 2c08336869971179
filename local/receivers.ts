// Stand-ins for PagerDuty (Events API v2) and Slack (incoming webhooks) on loopback. Each delivery is
// recorded as a JSON line, so tests, the benchmark and a second terminal can all watch the pages.
//
// The Slack stand-in is a Slack app with one incoming webhook per destination (config.ts,
// SLACK_WEBHOOK_SECRETS), each at a URL of its own. Like Slack's app webhooks (api.slack.com, "Sending
// messages using incoming webhooks"), a webhook posts to the one channel it was created for and
// ignores a `channel` in the message, and an unknown webhook URL is answered 404 `no_service`: a
// delivery records the webhook it came through, which is the channel it lands in.
//
// The PagerDuty stand-in keeps incidents as PagerDuty's Events API v2 does (developer.pagerduty.com,
// Events API v2, "Trigger Events" and "Alert De-duplication"): a trigger whose dedup_key has an open
// alert joins it (no new page); a trigger whose dedup_key has none opens a new incident (a new page),
// even if an earlier incident with that key was resolved; a resolve closes the open one. A dedup_key
// counts within the integration (routing key) that sent it only: the same key from two integrations
// is two alerts. The service has no alert grouping, which PagerDuty sells as a separate feature: every
// new alert is a new incident. It keeps the event's payload.custom_details as they arrived.
import { EventEmitter } from "events";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { SLACK_WEBHOOK_SECRETS, type SlackWebhookSecret } from "../config";
import { DETAILS_NONE, DETAILS_SEPARATOR } from "../render/alertmanager-config";

/** The integration keys of the local stack's PagerDuty senders: Alertmanager, the uptime check's policy, the heartbeat service. */
export const LOCAL_ROUTING_KEYS = { alertmanager: "local-alertmanager-key", uptimeCheck: "local-cloud-monitoring-key", heartbeat: "local-heartbeat-key" } as const;
export type Integration = keyof typeof LOCAL_ROUTING_KEYS;

export interface Delivery {
  receiver: "pagerduty" | "slack" | "heartbeat";
  alerts: string[];
  status: "firing" | "resolved";
  received: string;
  /** Milliseconds since the epoch, for measuring. */
  at: number;
  /** Slack only: the incoming webhook the message was posted to (by its secret's name), which alone decides its channel. */
  webhook?: SlackWebhookSecret;
  summary?: string;
  /** PagerDuty only: the event's dedup_key (Alertmanager's hash of the group key). */
  dedupKey?: string;
  /** PagerDuty only: the incident the event opened, joined or resolved (numbered from 1). */
  incident?: number;
  /** PagerDuty only: this trigger opened a new incident (the on-call is paged). */
  opened?: boolean;
  /** PagerDuty only: which integration sent it. */
  integration?: Integration;
  /** PagerDuty only: payload.custom_details, as sent. */
  details?: Record<string, unknown>;
}

export interface Incident {
  number: number;
  integration: Integration;
  dedupKey: string;
  /** The alert names of the trigger that opened it. */
  alerts: string[];
  /** Milliseconds since the epoch. */
  openedAt: number;
  resolvedAt?: number;
  /** Triggers that joined the incident after the one that opened it. */
  updates: number;
}

/** The parts of PagerDuty Events v2, Slack and Alertmanager webhook bodies that are read here. */
interface WebhookBody {
  routing_key?: string;
  event_action?: string;
  dedup_key?: string;
  payload?: { summary?: string; custom_details?: Record<string, unknown> };
  attachments?: { title?: string; text?: string }[];
  status?: string;
  alerts?: { labels?: Record<string, string> }[];
}

export class Receivers extends EventEmitter {
  readonly deliveries: Delivery[] = [];
  /** Every PagerDuty incident opened, in order. */
  readonly incidents: Incident[] = [];
  /** Integrations whose events PagerDuty cannot be reached for (the `pagerduty-cut` fault): answered 503, not recorded. */
  readonly unreachable = new Set<Integration>();
  private server?: http.Server;

  constructor(
    private readonly port: number,
    private readonly logFile: string,
  ) {
    super();
  }

  get urls() {
    const base = `http://127.0.0.1:${this.port}`;
    const slack = Object.fromEntries(SLACK_WEBHOOK_SECRETS.map((key) => [key, `${base}/slack/${key}`])) as Record<SlackWebhookSecret, string>;
    return { pagerduty: `${base}/pagerduty/v2/enqueue`, slack, heartbeat: `${base}/heartbeat` };
  }

  start(): Promise<void> {
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        try {
          const delivery = this.parse(req.url ?? "", JSON.parse(body || "{}"));
          if (!delivery) return void res.writeHead(404).end(req.url?.startsWith("/slack/") ? "no_service" : undefined);
          if (delivery.integration && this.unreachable.has(delivery.integration)) return void res.writeHead(503).end("unreachable");
          if (delivery.receiver === "pagerduty") this.incidentFor(delivery);
          this.record(delivery);
          if (delivery.receiver === "pagerduty") {
            res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: delivery.dedupKey }));
          } else res.writeHead(200).end("ok");
        } catch (e) {
          res.writeHead(400).end(String(e));
        }
      });
    });
    return new Promise((resolve) => this.server!.listen(this.port, "127.0.0.1", () => resolve()));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Incidents opened at or after `since` (milliseconds since the epoch). */
  incidentsOpenedSince(since: number): Incident[] {
    return this.incidents.filter((i) => i.openedAt >= since);
  }

  /** Applies a PagerDuty event to the incidents, as PagerDuty does, and notes the outcome on the delivery. */
  private incidentFor(d: Delivery) {
    const key = d.dedupKey!;
    const open = this.incidents.find((i) => i.integration === d.integration && i.dedupKey === key && i.resolvedAt === undefined);
    if (d.status === "firing") {
      if (open) {
        open.updates++;
        d.incident = open.number;
        d.opened = false;
      } else {
        const incident: Incident = { number: this.incidents.length + 1, integration: d.integration!, dedupKey: key, alerts: d.alerts, openedAt: d.at, updates: 0 };
        this.incidents.push(incident);
        d.incident = incident.number;
        d.opened = true;
      }
    } else if (open) {
      open.resolvedAt = d.at;
      d.incident = open.number;
    }
  }

  private parse(url: string, body: WebhookBody): Delivery | undefined {
    const now = Date.now();
    const base = { received: new Date(now).toISOString(), at: now };
    if (url.startsWith("/pagerduty/v2/enqueue")) {
      if (!body.routing_key || !["trigger", "resolve"].includes(body.event_action ?? "")) throw new Error("not an Events API v2 event");
      const integration = (Object.keys(LOCAL_ROUTING_KEYS) as Integration[]).find((i) => LOCAL_ROUTING_KEYS[i] === body.routing_key);
      if (!integration) throw new Error(`no integration of the service has the key ${body.routing_key}`);
      // Both senders set one (Alertmanager the hash of the alert group's key, Cloud Monitoring its incident's id).
      if (!body.dedup_key) throw new Error("an Events API v2 event of this service carries a dedup_key");
      const summary: string = body.payload?.summary ?? "";
      const status = body.event_action === "trigger" ? "firing" : "resolved";
      const details = body.payload?.custom_details;
      // Alertmanager's details list the alerts (render/alertmanager-config.ts); the others' summaries name their alert.
      const alerts = integration === "alertmanager" ? alertNames(details?.[status]) : [summary.split(":")[0]];
      return { ...base, receiver: "pagerduty", status, alerts, summary, dedupKey: body.dedup_key, integration, ...(details ? { details } : {}) };
    }
    if (url.startsWith("/slack/")) {
      const webhook = SLACK_WEBHOOK_SECRETS.find((key) => url === `/slack/${key}`);
      if (!webhook) return undefined;
      const attachment = body.attachments?.[0];
      if (!attachment) throw new Error("not a Slack webhook message");
      const match = /^\[(FIRING|RESOLVED)[^\]]*\] (\S+)/.exec(attachment.title ?? "");
      return { ...base, receiver: "slack", status: match?.[1] === "RESOLVED" ? "resolved" : "firing", alerts: [match?.[2] ?? "?"], webhook, summary: attachment.text };
    }
    if (url.startsWith("/heartbeat")) {
      return { ...base, receiver: "heartbeat", status: body.status === "resolved" ? "resolved" : "firing", alerts: (body.alerts ?? []).map((a) => a.labels?.alertname ?? "?") };
    }
    return undefined;
  }

  private record(d: Delivery) {
    this.deliveries.push(d);
    const { at: _at, ...line } = d;
    fs.appendFileSync(this.logFile, `${JSON.stringify(line)}\n`);
    this.emit("delivery", d);
  }
}

/** The alert names in one of Alertmanager's PagerDuty details (one line per alert, its name first). */
export function alertNames(detail: unknown): string[] {
  if (typeof detail !== "string" || detail === DETAILS_NONE) return [];
  return detail
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(DETAILS_SEPARATOR)[0]);
}

/**
 * Sends one Events API v2 event to the PagerDuty stand-in, as a monitoring service with an
 * integration of its own does (the uptime check's policy, the heartbeat service): best effort, as
 * theirs are from this side.
 */
export async function sendPagerDutyEvent(url: string, routingKey: string, action: "trigger" | "resolve", dedupKey: string, summary: string, source: string): Promise<void> {
  const event = { routing_key: routingKey, event_action: action, dedup_key: dedupKey, payload: { summary, source, severity: "critical" } };
  await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) }).catch(() => undefined);
}
