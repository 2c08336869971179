// `npm run verify` after a deploy, against the local stack with prod's config: every check passes on a
// healthy stack, and each receiver's stand-in gets its test notification (PagerDuty's incident opened
// and resolved again).
import * as os from "os";
import * as path from "path";
import { SLACK_WEBHOOK_SECRETS } from "../../config";
import { LocalStack } from "../../local/stack";
import { TEST_ALERT } from "../../scripts/verify-checks";
import { verify } from "../../scripts/verify";
import { stackForSuite } from "./suite-stack";

const local = new LocalStack({
  stack: "prod",
  workDir: path.join(os.tmpdir(), `coditect-e2e-verify-${process.pid}`),
  basePort: 26590,
  // The ticket route waits 5 minutes before its first notification; shortened so that the test takes a
  // few minutes. Routes and receivers, which verify compares with the stack's rendering, are unchanged.
  adjust: (c) => ({ config: { ...c, alertmanager: { ...c.alertmanager, ticket: { ...c.alertmanager.ticket, groupWait: "10s" } } } }),
});

stackForSuite(local);

test("verify passes on a healthy prod stack and a test notification reaches each receiver", async () => {
  // The Watchdog reaches Alertmanager at the rules' first evaluation after the stack is ready.
  await local.until(async () => (await local.alertmanagerAlerts()).some((a) => a.labels.alertname === "Watchdog"), 60_000, "the Watchdog in Alertmanager");
  const since = Date.now();
  const lines: string[] = [];
  // The outage backstop is placed in the managed evaluator: what its collector scrapes is checked in
  // the stand-in, which answers Monarch's query API.
  const args = ["--stack", "prod", ...local.urls.prometheus.flatMap((u) => ["--prometheus", u]), "--alertmanager", local.urls.alertmanager[0], "--managed-prometheus", local.urls.managedEvaluator, "--timeout", "2m"];
  const code = await verify(args, {}, (line) => lines.push(line));
  expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
  expect(code).toBe(0);
  expect(lines.filter((l) => /^PASS +test notification to /.test(l))).toHaveLength(4);
  // The managed collector's three scrapes the backstop reads: both probes and every replica's /federate.
  expect(lines.filter((l) => l.startsWith(`PASS  ${local.urls.managedEvaluator}: up{`))).toHaveLength(3);

  const ours = local.receivers.deliveries.filter((d) => d.at >= since && d.alerts.includes(TEST_ALERT));
  for (const webhook of SLACK_WEBHOOK_SECRETS) expect(ours.filter((d) => d.webhook === webhook && d.status === "firing")).toHaveLength(1);
  const [incident] = local.receivers.incidentsOpenedSince(since).filter((i) => i.alerts.includes(TEST_ALERT));
  expect(incident).toBeDefined();
  // Resolved at the critical route's next group_interval.
  await local.until(() => incident.resolvedAt !== undefined, 30_000, "the test incident to resolve");
}, 420_000);
