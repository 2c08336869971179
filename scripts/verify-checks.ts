// What `npm run verify` concludes from what Prometheus and Alertmanager report, as pure functions: each
// compares the running system with what the stack renders (the rules of rules/, the routing of
// render/alertmanager-config.ts), so a deploy that loaded something else fails by name.
import type { StackConfig } from "../config";
import { INHIBITORS, OWNER_LABEL, selectors } from "../lib/identities";
import { equalityMatchers, managedScope } from "../lib/managed-scope";
import { clusterPagesJob } from "../lib/outage-backstop";
import { managedPrometheusObjects } from "../render/managed-prometheus";
import { alertmanagerConfig, RECEIVERS } from "../render/alertmanager-config";
import { chartAlertsDecided } from "../render/chart-alerts";
import { PLACEHOLDER_RECEIVER_SECRETS } from "../render/secrets";
import { managedQueryApi } from "../report/managed";
import { routingOf, type Routing } from "../report/routing";
import type { RuleGroup } from "../rules";

export interface Result {
  ok: boolean;
  check: string;
  detail: string;
}

type Labels = Record<string, string>;

/** Prometheus' /api/v1/rules, the parts read here. */
export interface LoadedRuleGroup {
  name: string;
  rules: { name: string }[];
}

/** One instant-vector sample as /api/v1/query returns it. */
export interface Sample {
  metric: Labels;
  value: [number, string];
}

/** The name of every test alert: its summary tells whoever receives it that nothing is wrong. */
export const TEST_ALERT = "DeployVerification";

export function targetsUp(url: string, selector: string, samples: Sample[]): Result {
  const down = samples.filter((s) => s.value[1] !== "1").map((s) => s.metric.instance ?? JSON.stringify(s.metric));
  const ok = samples.length > 0 && down.length === 0;
  const detail = samples.length === 0 ? `no series of ${selector}: Prometheus has no such target` : down.length > 0 ? `down: ${down.join(", ")}` : `${samples.length} up`;
  return { ok, check: `${url}: ${selector}`, detail };
}

/** The license API's targets and health probes, as the outage rules select them. */
export const targetSelectors = (c: StackConfig) => [`up{${selectors(c).api}}`, `probe_success{${selectors(c).probe}}`];

const ruleNames = (g: { rules: ({ alert?: string; record?: string } | { name: string })[] }) =>
  g.rules.map((r) => ("name" in r ? r.name : (r.alert ?? r.record ?? ""))).sort();

export function ruleGroupsLoaded(url: string, expected: RuleGroup[], loaded: LoadedRuleGroup[]): Result {
  const problems = expected.flatMap((g) => {
    const found = loaded.find((l) => l.name === g.name);
    if (!found) return [`group ${g.name} missing`];
    const want = ruleNames(g as unknown as { rules: { alert?: string; record?: string }[] });
    const have = ruleNames(found);
    if (want.join() === have.join()) return [];
    // Names repeat (one alert per signal): each loaded rule accounts for one expected.
    const missing = [...want];
    const extra = have.filter((n) => (missing.includes(n) ? (missing.splice(missing.indexOf(n), 1), false) : true));
    return [`group ${g.name}: ${[missing.length > 0 ? `${missing.join(", ")} missing` : "", extra.length > 0 ? `${extra.join(", ")} not of the stack` : ""].filter(Boolean).join(", ")}`];
  });
  const rules = expected.reduce((n, g) => n + g.rules.length, 0);
  return { ok: problems.length === 0, check: `${url}: the stack's rule groups`, detail: problems.length === 0 ? `${expected.length} groups, ${rules} rules, as rendered` : problems.join("; ") };
}

/** The configuration the stack renders: with the heartbeat's receiver only where the running one has it (staging may run without). */
export function renderedConfig(c: StackConfig, heartbeat: boolean): Record<string, unknown> {
  const secrets = { ...PLACEHOLDER_RECEIVER_SECRETS, heartbeatUrl: heartbeat ? PLACEHOLDER_RECEIVER_SECRETS.heartbeatUrl : undefined };
  return alertmanagerConfig(c, secrets) as unknown as Record<string, unknown>;
}

export const receiverNames = (config: Record<string, unknown>) => ((config.receivers ?? []) as { name: string }[]).map((r) => r.name).sort();

/**
 * Label sets that reach every route of the rendered tree, each asked of both configurations: the same
 * receiver for each means the same routes, whatever the loaded configuration's formatting.
 */
function routeProbes(c: StackConfig): Labels[] {
  const own = { ...OWNER_LABEL, environment: c.environment };
  return [
    { alertname: "Watchdog", ...own, severity: "none" },
    ...Object.values(INHIBITORS).map((alertname) => ({ alertname, ...own, severity: "none" })),
    ...chartAlertsDecided("page").map((alertname) => ({ alertname, severity: "critical" })),
    { alertname: "KubePodCrashLooping", namespace: c.namespaces.licenseApi, severity: "warning" },
    { alertname: "InfoInhibitor", severity: "info" },
    ...testAlerts(c, routingOf(renderedConfig(c, true), "rendered")).map((t) => t.labels),
  ];
}

export function routingLoaded(c: StackConfig, loaded: Record<string, unknown>): Result {
  const heartbeat = receiverNames(loaded).includes(RECEIVERS.heartbeat);
  const expected = renderedConfig(c, heartbeat);
  const problems: string[] = [];
  const [want, have] = [receiverNames(expected), receiverNames(loaded)];
  if (want.join() !== have.join()) problems.push(`receivers ${have.join(", ")}, expected ${want.join(", ")}`);
  const [rendered, running] = [routingOf(expected, "rendered"), routingOf(loaded, "loaded")];
  for (const labels of routeProbes(c)) {
    const [a, b] = [rendered.receiverOf(labels), running.receiverOf(labels)];
    if (a !== b) problems.push(`${labels.alertname} (${JSON.stringify(labels)}) goes to ${b}, expected ${a}`);
  }
  return { ok: problems.length === 0, check: "Alertmanager: the stack's receivers and routes", detail: problems.length === 0 ? `receivers ${have.join(", ")}` : problems.join("; ") };
}

/** A test alert per receiver that notifies someone (the heartbeat has the Watchdog), with labels the stack routes to it. */
export function testAlerts(c: StackConfig, routing: Routing): { receiver: string; labels: Labels }[] {
  const own = { ...OWNER_LABEL, environment: c.environment };
  const candidates: Labels[] = [
    { ...own, severity: "critical" },
    { ...own, severity: "warning" },
    { ...own, severity: "ticket" },
    // Not this stack's own: the chart's alerts about the rest of the cluster.
    { environment: c.environment, severity: "warning" },
  ];
  const receivers = [RECEIVERS.pagerduty, RECEIVERS.slack, RECEIVERS.tickets, RECEIVERS.platform];
  return receivers.flatMap((receiver) => {
    const labels = candidates.find((l) => routing.receiverOf({ alertname: TEST_ALERT, ...l }) === receiver);
    return labels ? [{ receiver, labels: { alertname: TEST_ALERT, ...labels, verify_receiver: receiver } }] : [];
  });
}

/** Alertmanager's view of an alert (/api/v2/alerts), the parts read here. */
export interface AlertmanagerAlert {
  labels: Labels;
  receivers: { name: string }[];
  status: { state: string };
}

export function heartbeat(c: StackConfig, prometheusWatchdog: Sample[], alertmanagerWatchdog: AlertmanagerAlert[]): Result[] {
  const firing = { ok: prometheusWatchdog.length > 0, check: "Prometheus: Watchdog firing", detail: prometheusWatchdog.length > 0 ? `${prometheusWatchdog.length} series` : "not firing: the rules are not evaluated, or cannot reach Alertmanager" };
  const routed = alertmanagerWatchdog.filter((a) => a.status.state === "active").flatMap((a) => a.receivers.map((r) => r.name));
  const toHeartbeat = routed.includes(RECEIVERS.heartbeat);
  // Staging may run without a dead man's switch (config.ts warns at every preview); prod may not.
  const ok = toHeartbeat || (c.environment !== "prod" && routed.length > 0);
  const detail = toHeartbeat
    ? "active, routed to the heartbeat"
    : routed.length === 0
      ? "Alertmanager has no active Watchdog: Prometheus does not reach it"
      : `routed to ${[...new Set(routed)].join(", ")}: no heartbeat configured${c.environment === "prod" ? ", which prod requires" : " (staging may run without)"}`;
  return [firing, { ok, check: "Alertmanager: Watchdog to the heartbeat", detail }];
}

/**
 * Requests Alertmanager has made through one integration (pagerduty, slack, webhook) that succeeded, from
 * its /metrics text. It counts per integration, not per receiver, and counts every attempt, a retry
 * too: the failed attempts are subtracted.
 */
export function successfulRequests(metrics: string, integration: string): number {
  const sum = (name: string) =>
    [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*integration="${integration}"[^}]*\\} (\\S+)$`, "gm"))].reduce((n, m) => n + Number(m[1]), 0);
  return sum("alertmanager_notification_requests_total") - sum("alertmanager_notification_requests_failed_total");
}

/** The integrations (pagerduty, slack, webhook, ...) a receiver of a loaded configuration notifies through. */
export function integrationsOf(config: Record<string, unknown>, receiver: string): string[] {
  const r = ((config.receivers ?? []) as Record<string, unknown>[]).find((x) => x.name === receiver) ?? {};
  return Object.keys(r).filter((k) => k.endsWith("_configs") && Array.isArray(r[k]) && (r[k] as unknown[]).length > 0).map((k) => k.slice(0, -"_configs".length));
}

/** One scrape of the managed collector that what the stack places in the managed evaluator reads. */
export interface ManagedScrape {
  /** `up` of the PodMonitoring's job, in the scope its series carry in Monarch. */
  selector: string;
  /** Targets it must have up: one per Prometheus replica for the replicas' /federate, else at least one. */
  targets: number;
}

/**
 * Every PodMonitoring of the stack (render/managed-prometheus.ts) as Monarch holds its scrapes: `up` of
 * its job (the object's name), narrowed to the four scope labels with its own namespace.
 */
export function managedScrapes(c: StackConfig): ManagedScrape[] {
  return managedPrometheusObjects(c)
    .filter((o) => o.kind === "PodMonitoring")
    .map((o) => ({
      selector: `up{${equalityMatchers({ job: o.metadata.name, ...managedScope(c, o.metadata.namespace) }).join(", ")}}`,
      targets: o.metadata.name === clusterPagesJob(c) ? c.prometheus.replicas : 1,
    }));
}

export function managedScrapeUp(url: string, scrape: ManagedScrape, samples: Sample[]): Result {
  const up = samples.filter((s) => s.value[1] === "1").length;
  const down = samples.filter((s) => s.value[1] !== "1").map((s) => s.metric.instance ?? JSON.stringify(s.metric));
  const ok = up >= scrape.targets && down.length === 0;
  const detail =
    samples.length === 0
      ? `no series of ${scrape.selector}: the managed collector has not scraped it (is the PodMonitoring's status ConfigurationCreateSuccess? kubectl get podmonitoring -A)`
      : down.length > 0
        ? `down: ${down.join(", ")}`
        : up < scrape.targets
          ? `${up} up, ${scrape.targets} expected`
          : `${up} up`;
  return { ok, check: `${url}: ${scrape.selector}`, detail };
}

/**
 * Why verify cannot run with Monarch's query API given as it is, or undefined: what the managed
 * evaluator reads is in Monarch only, so a stack placing rules there is verified there too, and one
 * placing none has nothing there to verify.
 */
export function managedSourceProblem(c: StackConfig, stack: string, url: string | undefined): string | undefined {
  const placing = managedScrapes(c).length > 0;
  if (placing && !url) {
    return `the ${stack} stack places rules in Managed Service for Prometheus' rule evaluator, which reads what the managed collector scrapes into Monarch: give its query API with --managed-prometheus ${managedQueryApi(c)} (or MANAGED_PROMETHEUS_URL) and an access token in MANAGED_PROMETHEUS_BEARER_TOKEN`;
  }
  if (!placing && url) return `--managed-prometheus (or MANAGED_PROMETHEUS_URL) is ${url}, but the ${stack} stack places no rules in the managed rule evaluator: leave it out`;
  return undefined;
}
