// A real Alertmanager running the stack's rendered routing, with silences created and expired through
// its API v2 as an on-call engineer's amtool or the web UI would (upstream prometheus/alertmanager
// api/v2/openapi.yaml: POST /silences, DELETE /silence/{id}, POST /alerts, GET /alerts with
// status.silencedBy). It notifies the receivers' URLs it is started with: a closed local port for the
// report's tests, the local stand-ins for the Slack test.
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import type { StackConfig } from "../../config";
import { alertmanagerConfig, type ReceiverEndpoints, type ReceiverSecrets } from "../../render/alertmanager-config";
import { ALERTMANAGER } from "../../tools/binaries";
import { stopAndWait, untilReady } from "../served-process";

export interface PostedMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export class TestAlertmanager {
  readonly url: string;
  private proc?: ChildProcess;

  constructor(private readonly port: number) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(c: StackConfig, dir: string, secrets: ReceiverSecrets, endpoints: ReceiverEndpoints): Promise<void> {
    const config = alertmanagerConfig(c, secrets, endpoints);
    fs.writeFileSync(path.join(dir, "alertmanager.yml"), stringify(config));
    const log = fs.openSync(path.join(dir, "alertmanager.log"), "a");
    this.proc = spawn(
      ALERTMANAGER,
      ["--config.file=alertmanager.yml", "--storage.path=alertmanager-data", `--web.listen-address=127.0.0.1:${this.port}`, "--cluster.listen-address=", "--log.level=warn"],
      { cwd: dir, stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    await untilReady(this.url, "Alertmanager", this.proc, path.join(dir, "alertmanager.log"));
  }

  /** Stops it and waits for it to exit: it writes its state on the way out. */
  async stop(): Promise<void> {
    await stopAndWait(this.proc);
  }

  private async call(method: string, p: string, body?: unknown) {
    const r = await fetch(`${this.url}/api/v2/${p}`, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} /api/v2/${p}: HTTP ${r.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Creates a silence from now for an hour; returns its id. */
  async silence(matchers: PostedMatcher[], createdBy: string, comment: string): Promise<string> {
    const now = Date.now();
    const r = (await this.call("POST", "silences", { matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), createdBy, comment })) as { silenceID: string };
    return r.silenceID;
  }

  async expire(id: string): Promise<void> {
    await this.call("DELETE", `silence/${id}`);
  }

  /** Start and end (unix seconds) of a silence as Alertmanager holds it. */
  async silenceTimes(id: string): Promise<{ startsAt: number; endsAt: number; state: string }> {
    const s = (await this.call("GET", `silence/${id}`)) as { startsAt: string; endsAt: string; status: { state: string } };
    return { startsAt: Date.parse(s.startsAt) / 1000, endsAt: Date.parse(s.endsAt) / 1000, state: s.status.state };
  }

  async postAlert(labels: Record<string, string>): Promise<void> {
    await this.call("POST", "alerts", [{ labels, startsAt: new Date().toISOString() }]);
  }

  /** The silences Alertmanager itself finds silencing the alert with these labels. */
  async silencedBy(labels: Record<string, string>): Promise<string[]> {
    const alerts = (await this.call("GET", "alerts")) as { labels: Record<string, string>; status: { silencedBy: string[] } }[];
    const mine = alerts.find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v));
    if (!mine) throw new Error(`Alertmanager holds no alert ${JSON.stringify(labels)}`);
    return mine.status.silencedBy;
  }
}
