// npm run verify -- --stack prod [--prometheus URL ...] [--alertmanager URL] [--managed-prometheus URL] [--timeout 6m]
//
// After `pulumi up`, what the deployer's machine can check of the deployed monitoring through the
// Prometheus and Alertmanager APIs (reached with kubectl port-forward, docs/bootstrap.md, "Verify"):
// the license API's targets up, the stack's rule groups loaded, the stack's receivers and routes
// loaded, the Watchdog on its way to the heartbeat, and a test notification through each receiver,
// resolved again; where the stack places rules in Managed Service for Prometheus' rule evaluator,
// through Monarch's query API, that the managed collector scrapes everything those rules read. Prints what passed and what failed; exits 1 when anything failed, 2 on bad flags.
import { parseArgs } from "util";
import { parse } from "yaml";
import { seconds } from "../lib/duration";
import { isStackName, STACKS } from "../lib/stack-file";
import { stackConfigForRender } from "../render/cli";
import { authHeaders } from "../report/prometheus";
import { routingOf } from "../report/routing";
import { renderRuleGroups } from "../rules";
import type { StackConfig } from "../config";
import {
  heartbeat,
  integrationsOf,
  managedScrapes,
  managedScrapeUp,
  managedSourceProblem,
  receiverNames,
  renderedConfig,
  routingLoaded,
  ruleGroupsLoaded,
  successfulRequests,
  targetSelectors,
  targetsUp,
  TEST_ALERT,
  testAlerts,
  type AlertmanagerAlert,
  type LoadedRuleGroup,
  type Result,
  type Sample,
} from "./verify-checks";

const USAGE = `usage: npm run verify -- --stack <${STACKS.join("|")}> [--prometheus URL ...] [--alertmanager URL] [--managed-prometheus URL] [--timeout DURATION]
  --prometheus    Prometheus base URL, once per replica (default http://127.0.0.1:9090)
  --alertmanager  Alertmanager base URL (default http://127.0.0.1:9093)
  --managed-prometheus  Monarch's query API (default $MANAGED_PROMETHEUS_URL), required exactly when the
                  stack places rules in the managed rule evaluator (the outage backstop)
  --timeout       how long to wait for the test notifications (default: the longest group_wait of the stack's routes, plus 1m)
  auth: PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD;
        ALERTMANAGER_BEARER_TOKEN, or ALERTMANAGER_USERNAME and ALERTMANAGER_PASSWORD;
        MANAGED_PROMETHEUS_BEARER_TOKEN (gcloud auth print-access-token)`;

interface Api {
  url: string;
  headers: Record<string, string>;
}

async function request(api: Api, path: string, body?: unknown): Promise<string> {
  const response = await fetch(`${api.url.replace(/\/$/, "")}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...api.headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${api.url}${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
  return text;
}

const data = async <T>(api: Api, path: string) => (JSON.parse(await request(api, path)) as { data: T }).data;
const query = (api: Api, expr: string) => data<{ result: Sample[] }>(api, `/api/v1/query?query=${encodeURIComponent(expr)}`).then((d) => d.result);

async function prometheusChecks(c: StackConfig, api: Api): Promise<{ results: Result[]; watchdog: Sample[] }> {
  const results: Result[] = [];
  for (const selector of targetSelectors(c)) results.push(targetsUp(api.url, selector, await query(api, selector)));
  const { groups } = await data<{ groups: LoadedRuleGroup[] }>(api, "/api/v1/rules");
  results.push(ruleGroupsLoaded(api.url, renderRuleGroups(c), groups));
  return { results, watchdog: await query(api, 'ALERTS{alertname="Watchdog", alertstate="firing"}') };
}

/** Alertmanager's alerts of one name (/api/v2/alerts answers with the list itself). */
const alertsNamed = async (am: Api, name: string) => JSON.parse(await request(am, `/api/v2/alerts?filter=${encodeURIComponent(`alertname="${name}"`)}`)) as AlertmanagerAlert[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts a test alert per receiver to Alertmanager, as Prometheus would, waits until each integration has
 * sent as many notifications more as receivers use it, then resolves the alerts again. Alertmanager
 * keeps an alert posted to one replica to that replica: it notifies, the others learn from its
 * notification log.
 */
async function testNotifications(c: StackConfig, am: Api, loaded: Record<string, unknown>, timeoutMs: number): Promise<Result[]> {
  const tests = testAlerts(c, routingOf(renderedConfig(c, receiverNames(loaded).includes("heartbeat")), "rendered"));
  const needed = new Map<string, number>();
  for (const t of tests) for (const i of integrationsOf(loaded, t.receiver)) needed.set(i, (needed.get(i) ?? 0) + 1);
  const metrics = () => request(am, "/metrics");
  const before = await metrics();
  const sent = (now: string, integration: string) => successfulRequests(now, integration) - successfulRequests(before, integration);
  // One start for the alert and its resolution: a resolution stamped with a later start than its own
  // end (the two clocks read a millisecond apart) is refused with a 400.
  const startsAt = new Date().toISOString();
  const alert = (labels: Record<string, string>, endsAt: Date) => ({
    labels,
    annotations: { summary: `Deploy verification of ${c.environment}: a test notification, nothing is wrong`, description: "Sent by npm run verify after a deploy; resolved a moment later." },
    startsAt,
    endsAt: endsAt.toISOString(),
  });
  await request(am, "/api/v2/alerts", tests.map((t) => alert(t.labels, new Date(Date.now() + timeoutMs + 60_000))));
  const deadline = Date.now() + timeoutMs;
  let now = before;
  while (Date.now() < deadline) {
    now = await metrics();
    if ([...needed].every(([i, n]) => sent(now, i) >= n)) break;
    await sleep(2000);
  }
  const routed = await alertsNamed(am, TEST_ALERT);
  await request(am, "/api/v2/alerts", tests.map((t) => alert(t.labels, new Date())));
  return tests.map((t) => {
    const got = routed.find((a) => a.labels.verify_receiver === t.receiver)?.receivers.map((r) => r.name) ?? [];
    const integrations = integrationsOf(loaded, t.receiver);
    const short = integrations.filter((i) => sent(now, i) < needed.get(i)!);
    const ok = got.includes(t.receiver) && integrations.length > 0 && short.length === 0;
    const detail = !got.includes(t.receiver)
      ? `Alertmanager routed the test alert to ${got.join(", ") || "nothing"}`
      : integrations.length === 0
        ? "the receiver has no integration"
        : short.length > 0
          ? short.map((i) => `${sent(now, i)} of ${needed.get(i)} test notifications through ${i} sent within ${timeoutMs / 1000}s (failed attempts: see the Alertmanager's log)`).join("; ")
          : `sent through ${integrations.join(", ")}, then resolved`;
    return { ok, check: `test notification to ${t.receiver}`, detail };
  });
}

export async function verify(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void = console.log): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { stack: { type: "string" }, prometheus: { type: "string", multiple: true }, alertmanager: { type: "string" }, "managed-prometheus": { type: "string" }, timeout: { type: "string" } },
    }));
  } catch (e) {
    print(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.stack || !isStackName(values.stack)) {
    print(USAGE);
    return 2;
  }
  const c = stackConfigForRender(values.stack);
  const timing = c.alertmanager;
  const timeout = values.timeout ?? `${Math.max(...[timing.critical, timing.warning, timing.ticket].map((t) => seconds(t.groupWait))) + 60}s`;
  const prometheus = (values.prometheus ?? ["http://127.0.0.1:9090"]).map((url) => ({ url, headers: authHeaders(env, "PROMETHEUS") }));
  const am = { url: values.alertmanager ?? "http://127.0.0.1:9093", headers: authHeaders(env, "ALERTMANAGER") };
  // What the managed evaluator reads is in Monarch only: a stack placing rules there is verified there
  // too, and one placing none has nothing there to verify.
  const managedUrl = values["managed-prometheus"] || env.MANAGED_PROMETHEUS_URL || undefined;
  const managedProblem = managedSourceProblem(c, values.stack, managedUrl);
  if (managedProblem) {
    print(`${managedProblem}\n${USAGE}`);
    return 2;
  }
  const scrapes = managedScrapes(c);

  const results: Result[] = [];
  const report = (r: Result) => {
    results.push(r);
    print(`${r.ok ? "PASS" : "FAIL"}  ${r.check}: ${r.detail}`);
  };
  const attempt = async (check: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (e) {
      report({ ok: false, check, detail: (e as Error).message });
    }
  };
  const watchdog: Sample[] = [];
  for (const api of prometheus) {
    await attempt(api.url, async () => {
      const p = await prometheusChecks(c, api);
      p.results.forEach(report);
      watchdog.push(...p.watchdog);
    });
  }
  if (managedUrl) {
    const managed = { url: managedUrl, headers: authHeaders(env, "MANAGED_PROMETHEUS") };
    await attempt(managed.url, async () => {
      for (const scrape of scrapes) report(managedScrapeUp(managed.url, scrape, await query(managed, scrape.selector)));
    });
  }
  await attempt(am.url, async () => {
    const status = JSON.parse(await request(am, "/api/v2/status")) as { config: { original: string } };
    const loaded = parse(status.config.original) as Record<string, unknown>;
    report(routingLoaded(c, loaded));
    heartbeat(c, watchdog, await alertsNamed(am, "Watchdog")).forEach(report);
    print(`sending a test notification to each receiver (PagerDuty opens an incident and resolves it again); waiting up to ${timeout}`);
    (await testNotifications(c, am, loaded, seconds(timeout) * 1000)).forEach(report);
  });
  const failed = results.filter((r) => !r.ok).length;
  print(failed === 0 ? `verified: ${results.length} checks passed` : `${failed} of ${results.length} checks failed`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  verify(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
