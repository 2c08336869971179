// Stand-ins for PagerDuty (Events API v2) and Slack (incoming webhooks) on loopback. Each delivery is
// recorded as a JSON line, so tests, the benchmark and a second terminal can all watch the pages.
import { EventEmitter } from "events";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";

export interface Delivery {
  receiver: "pagerduty" | "slack" | "heartbeat";
  alerts: string[];
  status: "firing" | "resolved";
  received: string;
  /** Milliseconds since the epoch, for measuring. */
  at: number;
  channel?: string;
  summary?: string;
}

/** The parts of PagerDuty Events v2, Slack and Alertmanager webhook bodies that are read here. */
interface WebhookBody {
  routing_key?: string;
  event_action?: string;
  payload?: { summary?: string };
  channel?: string;
  attachments?: { title?: string; text?: string }[];
  status?: string;
  alerts?: { labels?: Record<string, string> }[];
}

export class Receivers extends EventEmitter {
  readonly deliveries: Delivery[] = [];
  private server?: http.Server;

  constructor(
    private readonly port: number,
    private readonly logFile: string,
  ) {
    super();
  }

  get urls() {
    const base = `http://127.0.0.1:${this.port}`;
    return { pagerduty: `${base}/pagerduty/v2/enqueue`, slack: `${base}/slack`, heartbeat: `${base}/heartbeat` };
  }

  start(): Promise<void> {
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        try {
          const delivery = this.parse(req.url ?? "", JSON.parse(body || "{}"));
          if (!delivery) return void res.writeHead(404).end();
          this.record(delivery);
          if (delivery.receiver === "pagerduty") {
            res.writeHead(202, { "content-type": "application/json" }).end('{"status":"success","message":"Event processed"}');
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

  private parse(url: string, body: WebhookBody): Delivery | undefined {
    const now = Date.now();
    const base = { received: new Date(now).toISOString(), at: now };
    if (url.startsWith("/pagerduty/v2/enqueue")) {
      if (!body.routing_key || !["trigger", "resolve"].includes(body.event_action ?? "")) throw new Error("not an Events API v2 event");
      const summary: string = body.payload?.summary ?? "";
      return { ...base, receiver: "pagerduty", status: body.event_action === "trigger" ? "firing" : "resolved", alerts: [summary.split(":")[0]], summary };
    }
    if (url.startsWith("/slack")) {
      const attachment = body.attachments?.[0];
      if (!attachment) throw new Error("not a Slack webhook message");
      const match = /^\[(FIRING|RESOLVED)[^\]]*\] (\S+)/.exec(attachment.title ?? "");
      return { ...base, receiver: "slack", status: match?.[1] === "RESOLVED" ? "resolved" : "firing", alerts: [match?.[2] ?? "?"], channel: body.channel, summary: attachment.text };
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
