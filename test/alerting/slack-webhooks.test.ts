// Slack as a Slack app's incoming webhooks deliver: each webhook posts to the channel it was created
// for and ignores a message's `channel` (local/receivers.ts). A real Alertmanager runs the stack's
// rendered routing (its group_wait shortened) against the local stand-in: a warning, an SLO ticket and
// a platform warning must each arrive through the webhook of its own destination.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SLACK_WEBHOOK_SECRETS } from "../../config";
import { OWNER_LABEL } from "../../lib/identities";
import { Receivers, type Delivery } from "../../local/receivers";
import { RECEIVERS, SLACK_RECEIVERS } from "../../render/alertmanager-config";
import { TestAlertmanager } from "../report/alertmanager";
import { testStackConfig } from "../stack-config";

const ALERTMANAGER_PORT = 30190;
const RECEIVERS_PORT = 30191;

const ours = OWNER_LABEL;
const sent = {
  [RECEIVERS.slack]: { alertname: "HighLatency", severity: "warning", service: "license-api", ...ours },
  [RECEIVERS.tickets]: { alertname: "ErrorBudgetBurn", severity: "ticket", burn_rate: "3x", service: "license-api", ...ours },
  // kube-prometheus-stack's, about another namespace: the platform's channel.
  [RECEIVERS.platform]: { alertname: "KubePodCrashLooping", severity: "warning", namespace: "kube-system" },
};

let dir: string;
let receivers: Receivers;
const alertmanager = new TestAlertmanager(ALERTMANAGER_PORT);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-slack-"));
  receivers = new Receivers(RECEIVERS_PORT, path.join(dir, "deliveries.jsonl"));
  await receivers.start();
  const c = testStackConfig("prod", {
    alertmanager: (a) => {
      for (const route of ["warning", "ticket"]) (a[route] as Record<string, string>).groupWait = "1s";
    },
  });
  await alertmanager.start(c, dir, { pagerdutyRoutingKey: "test-routing-key", ...receivers.urls.slack }, { pagerdutyUrl: receivers.urls.pagerduty });
}, 60_000);

afterAll(async () => {
  await alertmanager.stop();
  await receivers?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function deliveriesOf(alertnames: string[], timeoutMs: number): Promise<Delivery[]> {
  const deadline = Date.now() + timeoutMs;
  const arrived = () => receivers.deliveries.filter((d) => d.receiver === "slack" && d.alerts.some((a) => alertnames.includes(a)));
  while (arrived().length < alertnames.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return arrived();
}

test("a warning, an SLO ticket and a platform warning each arrive through their own destination's webhook", async () => {
  for (const labels of Object.values(sent)) await alertmanager.postAlert(labels);
  const deliveries = await deliveriesOf(
    Object.values(sent).map((l) => l.alertname),
    20_000,
  );
  const landed = Object.fromEntries(deliveries.map((d) => [d.alerts[0], d.webhook]));
  expect(landed).toEqual(Object.fromEntries(Object.entries(sent).map(([receiver, labels]) => [labels.alertname, SLACK_RECEIVERS[receiver as keyof typeof SLACK_RECEIVERS]])));
}, 30_000);

describe("the stand-in, like a Slack app's webhook", () => {
  const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const message = (channel: string) => ({ channel, attachments: [{ title: "[FIRING:1] ChannelOverride (prod)", text: "x" }] });

  test("posts to its own channel whatever `channel` the message names", async () => {
    const [alerts, tickets] = SLACK_WEBHOOK_SECRETS;
    const r = await post(receivers.urls.slack[alerts], message("#license-api-slo"));
    expect(r.status).toBe(200);
    const d = receivers.deliveries.find((x) => x.alerts.includes("ChannelOverride"));
    expect(d?.webhook).toBe(alerts);
    expect(d?.webhook).not.toBe(tickets);
  });

  test("answers an unknown webhook 404 no_service, recording nothing", async () => {
    const before = receivers.deliveries.length;
    const r = await post(`http://127.0.0.1:${RECEIVERS_PORT}/slack/slackWebhookUrl`, message("#license-api-alerts"));
    expect([r.status, await r.text()]).toEqual([404, "no_service"]);
    expect(receivers.deliveries.length).toBe(before);
  });
});
