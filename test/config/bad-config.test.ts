// Every bad configuration fails the program before it registers a single resource, with a message
// that names the key, what it got and what is allowed.
import { ConfigError, NAMESPACE, parseConfig } from "../../config";
import { readStackConfig } from "../../lib/stack-file";
import { PLACEHOLDER_SECRETS } from "../../render/secrets";
import { ProgramFailure, runProgram, TEST_SECRETS } from "../harness";

type Case = { name: string; config?: Record<string, unknown>; without?: string[]; secrets?: Record<string, string>; expect: RegExp[] };

const prodSection = (section: string, patch: Record<string, unknown>) => {
  const { parse } = require("yaml");
  const doc = parse(require("fs").readFileSync(`${__dirname}/../../Pulumi.prod.yaml`, "utf8")).config;
  return { [section]: deepMerge(doc[`coditect-monitoring:${section}`], patch) };
};

function deepMerge(base: any, patch: any): any {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const out = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = v === undefined ? undefined : deepMerge(base?.[k], v);
  return out;
}

const { slackTicketsWebhookUrl: _omitted, ...secretsWithoutTickets } = TEST_SECRETS;

const cases: Case[] = [
  { name: "missing required key", without: ["gcp"], expect: [/coditect-monitoring:gcp: is required \(got missing\)/] },
  { name: "wrong type", config: prodSection("prometheus", { replicas: "two" }), expect: [/prometheus\.replicas: .*number.*\(got "two"\)/] },
  { name: "SLO target of 1", config: prodSection("slo", { availabilityTarget: 1 }), expect: [/slo\.availabilityTarget: must be greater than 0 and less than 1 \(got 1\)/] },
  { name: "SLO target of 0", config: prodSection("slo", { availabilityTarget: 0 }), expect: [/slo\.availabilityTarget: must be greater than 0 and less than 1 \(got 0\)/] },
  { name: "log retention under 90 days", config: prodSection("logging", { retentionDays: 30 }), expect: [/logging\.retentionDays: must be at least 90.*\(got 30\)/] },
  { name: "audit retention of 89 days", config: prodSection("logging", { auditRetentionDays: 89 }), expect: [/logging\.auditRetentionDays: must be at least 90.*\(got 89\)/] },
  { name: "negative replicas", config: prodSection("alertmanager", { replicas: -1 }), expect: [/alertmanager\.replicas: must be at least 1 \(got -1\)/] },
  { name: "top-level key typo", config: { "coditect-monitoring:prometeus": { replicas: 2 } }, expect: [/coditect-monitoring:prometeus: unknown key; did you mean "prometheus"\?/] },
  { name: "nested key typo", config: prodSection("slo", { availabilityTaget: 0.99 }), expect: [/slo\.availabilityTaget: unknown key; did you mean "availabilityTarget"\?/] },
  { name: "malformed URL", config: prodSection("grafana", { url: "coditect.grafana.net" }), expect: [/grafana\.url: must be an https:\/\/ URL \(got "coditect.grafana.net"\)/] },
  { name: "plain-http public URL", config: prodSection("licenseApi", { publicUrl: "http://license.coditect.ai" }), expect: [/licenseApi\.publicUrl: must be an https:\/\/ URL/] },
  { name: "empty PagerDuty schedule", config: prodSection("pagerduty", { schedule: { layers: [] } }), expect: [/pagerduty\.schedule\.layers: must have at least one layer/] },
  { name: "schedule layer without users", config: prodSection("pagerduty", { schedule: { layers: [{ name: "x", start: "2026-01-05T09:00:00-05:00", rotationVirtualStart: "2026-01-05T09:00:00-05:00", rotationTurnLengthSeconds: 604800, users: [] }] } }), expect: [/pagerduty\.schedule\.layers\.0\.users: must list at least one user/] },
  { name: "bad duration", config: prodSection("alerts", { errorRate: { threshold: 0.05, for: "5 minutes" } }), expect: [/alerts\.errorRate\.for: must be a Prometheus duration.*\(got "5 minutes"\)/] },
  { name: "for: that a single failed scrape can satisfy", config: prodSection("alerts", { outage: { evaluationInterval: "5s", probeFor: "10s", targetsFor: "15s" } }), expect: [/licenseApi\.scrapeInterval: must be shorter than alerts\.outage\.targetsFor \(15s\): a single failed scrape must not page/] },
  { name: "seat forecast over a handful of the seats exporter's samples", config: prodSection("alerts", { forecast: { lookback: "15m", horizon: "1h" } }), expect: [/alerts\.forecast\.lookback: must hold at least 20 samples of licenseApi\.seats\.scrapeInterval \(1m\), got 15m/] },
  { name: "seats exporter scraped slower than SeatExhaustion's for:", config: prodSection("licenseApi", { seats: { scrapeInterval: "10m" } }), expect: [/licenseApi\.seats\.scrapeInterval: must be shorter than alerts\.seatUtilisation\.for \(10m\): for: needs several samples of each license/] },
  { name: "seats exporter's scrape outlasting its interval", config: prodSection("licenseApi", { seats: { scrapeTimeout: "1m" } }), expect: [/licenseApi\.seats\.scrapeTimeout: must be shorter than licenseApi\.seats\.scrapeInterval \(1m\): a scrape must end before the next starts/] },
  {
    name: "per-license cadence too slow for the seat alerts' for:",
    config: prodSection("alerts", { perLicense: { evaluationInterval: "5m" }, forecast: { evaluationInterval: "5m", for: "30m" } }),
    expect: [/alerts\.perLicense\.evaluationInterval: must be shorter than alerts\.seatDenialsPerSecond\.for \(5m\): for: needs several evaluations/],
  },
  { name: "unknown outage backstop", config: prodSection("alerts", { outage: { backstop: "thanos" } }), expect: [/alerts\.outage\.backstop: must be one of "none", "managed" \(got "thanos"\)/] },
  { name: "unknown evaluator of the per-license groups", config: prodSection("alerts", { perLicense: { evaluator: "gmp" } }), expect: [/alerts\.perLicense\.evaluator: must be one of "prometheus", "managed" \(got "gmp"\)/] },
  { name: "for: that a single failed probe can satisfy", config: prodSection("alerts", { outage: { probeFor: "5s" } }), expect: [/blackbox\.probeInterval: must be shorter than alerts\.outage\.probeFor \(5s\): a single failed probe must not page/] },
  // Paged within a minute, a repeated outage too: a re-fire into the group the last outage left waits for group_interval.
  {
    name: "critical group_interval of 1m lets a repeated outage page late",
    config: prodSection("alertmanager", { critical: { groupInterval: "1m" } }),
    expect: [
      /alertmanager\.critical\.groupInterval: lets an outage seen by the health probe page 84s after it starts, first or repeated \(blackbox\.probeInterval 5s \+ alerts\.outage\.probeFor 10s \+ alerts\.outage\.evaluationInterval 5s \+ blackbox\.probeTimeout 4s \+ alertmanager\.critical\.groupInterval 1m\); at most 60s is allowed \(got "1m"\)/,
      /alertmanager\.critical\.groupInterval: lets an outage seen by the \/metrics targets page 100s after it starts/,
    ],
  },
  { name: "probe for: so long an outage pages after a minute", config: prodSection("alerts", { outage: { probeFor: "45s" } }), expect: [/alerts\.outage\.probeFor: lets an outage seen by the health probe page 64s after it starts.*at most 60s is allowed \(got "45s"\)/] },
  { name: "critical group_wait longer than a minute", config: prodSection("alertmanager", { critical: { groupWait: "62500ms" } }), expect: [/alertmanager\.critical\.groupWait: lets an outage seen by the health probe page 86\.5s after it starts/] },
  {
    name: "outage hold shorter than a probe",
    config: prodSection("alerts", { outage: { keepFiringFor: "4s" } }),
    expect: [/alerts\.outage\.keepFiringFor: must be at least blackbox\.probeInterval \(5s\): one good probe in an outage must not resolve the page.*\(got "4s"\)/, /alerts\.outage\.keepFiringFor: must be longer than licenseApi\.scrapeInterval \(15s\)/],
  },
  { name: "outage hold no longer than a scrape", config: prodSection("alerts", { outage: { keepFiringFor: "15s" } }), expect: [/alerts\.outage\.keepFiringFor: must be longer than licenseApi\.scrapeInterval \(15s\): the \/metrics targets signal must have recovered on every Prometheus replica.*\(got "15s"\)/] },
  { name: "outage hold over a minute", config: prodSection("alerts", { outage: { keepFiringFor: "2m" } }), expect: [/alerts\.outage\.keepFiringFor: must be at most 1m: the page stays open this long after the API recovers.*\(got "2m"\)/] },
  { name: "critical group_wait on an evaluation", config: prodSection("alertmanager", { critical: { groupWait: "5s" } }), expect: [/alertmanager\.critical\.groupWait: must fall between two evaluations of the outage rules.*such as 2500ms.*\(got "5s"\)/] },
  { name: "critical group_interval off the evaluation cadence", config: prodSection("alertmanager", { critical: { groupInterval: "7s" } }), expect: [/alertmanager\.critical\.groupInterval: must be a whole multiple of alerts\.outage\.evaluationInterval \(5s\).*\(got "7s"\)/] },
  { name: "more Alertmanager replicas than the critical group_interval lets decide in time", config: prodSection("alertmanager", { replicas: 7 }), expect: [/alertmanager\.critical\.groupInterval: must be longer than the last of 7 Alertmanager replicas waits before it notifies \(6s, 1s per replica\).*\(got "5s"\)/] },
  { name: "scrape interval slower than the metrics contract", config: prodSection("licenseApi", { scrapeInterval: "30s" }), expect: [/licenseApi\.scrapeInterval: must be 15s or shorter/] },
  { name: "too few uptime regions", config: prodSection("uptime", { regions: ["USA", "EUROPE"] }), expect: [/uptime\.regions: must list at least three regions/] },
  { name: "unknown environment", config: { "coditect-monitoring:environment": "production" }, expect: [/environment: must be staging or prod \(got "production"\)/] },
  // Chart versions are pinned once for every stack (render/charts.ts); a stack file cannot diverge.
  { name: "chart version in a stack file", config: prodSection("prometheus", { chartVersion: "81.4.5" }), expect: [/prometheus\.chartVersion: unknown key/] },
  { name: "dataplane flag not a boolean", config: prodSection("cluster", { dataplaneV2: "yes" }), expect: [/cluster\.dataplaneV2: must be true or false \(got "yes"\)/] },
  { name: "missing secret", secrets: secretsWithoutTickets, expect: [/coditect-monitoring:slackTicketsWebhookUrl: is required \(got missing\)/] },
  { name: "secret value is never echoed", secrets: { ...TEST_SECRETS, slackPlatformWebhookUrl: "not-a-url-but-secret" }, expect: [/coditect-monitoring:slackPlatformWebhookUrl: must be an https:\/\/ URL \(got <secret>\)/] },
  { name: "a plain-http Slack webhook", secrets: { ...TEST_SECRETS, slackAlertsWebhookUrl: "http://hooks.slack.com/services/T000/B001/x" }, expect: [/coditect-monitoring:slackAlertsWebhookUrl: must be an https:\/\/ URL \(got <secret>\)/] },
  // One webhook posts to one channel: given for two destinations, it would post tickets among the alerts.
  {
    name: "one Slack webhook for two destinations",
    secrets: { ...TEST_SECRETS, slackTicketsWebhookUrl: TEST_SECRETS.slackAlertsWebhookUrl },
    expect: [/coditect-monitoring:slackTicketsWebhookUrl: must differ from coditect-monitoring:slackAlertsWebhookUrl \(got the same URL\): a Slack incoming webhook posts to the one channel it was created for/],
  },
  // The single webhook with channel overrides it replaced.
  { name: "the former single Slack webhook", secrets: { ...TEST_SECRETS, slackWebhookUrl: TEST_SECRETS.slackAlertsWebhookUrl }, expect: [/coditect-monitoring:slackWebhookUrl: unknown key \(allowed: .*slackAlertsWebhookUrl, slackTicketsWebhookUrl, slackPlatformWebhookUrl/] },
  { name: "a Slack channel override", config: { "coditect-monitoring:slack": { channel: "#license-api-alerts" } }, expect: [/coditect-monitoring:slack: unknown key/] },
  // Grafana Cloud cannot reach cluster-internal data sources on its own (config.ts, grafanaReachesTheCluster).
  {
    name: "a Grafana Cloud URL with no way to reach the cluster",
    config: prodSection("grafana", { cloud: null }),
    expect: [
      /grafana\.cloud: must be set for a Grafana Cloud grafana\.url \(https:\/\/coditect\.grafana\.net\): Grafana Cloud cannot reach the cluster-internal Prometheus and Jaeger.*\(got null\)/,
      /longTermMetrics\.store\.type: grafana-cloud-mimir needs grafana\.cloud/,
    ],
  },
  { name: "an unimplemented long-term store", config: prodSection("longTermMetrics", { store: { type: "thanos" } }), expect: [/longTermMetrics\.store\.type: .*grafana-cloud-mimir/] },
  { name: "a stack slug that is not one", config: prodSection("grafana", { cloud: { stackSlug: "Coditect.grafana.net" } }), expect: [/grafana\.cloud\.stackSlug: must be a Grafana Cloud stack slug.*\(got "Coditect\.grafana\.net"\)/] },
  { name: "a key rotation of a year", config: prodSection("grafana", { cloudMonitoringKeyRotationDays: 365 }), expect: [/grafana\.cloudMonitoringKeyRotationDays: must be between 1 and 90 days \(got 365\)/] },
  {
    name: "a remote-write queue too small for the series",
    config: prodSection("longTermMetrics", { expectedSeries: 20000 }),
    expect: [/longTermMetrics\.queue\.maxShards: drains at most 1600 samples\/s \(maxShards 4 x maxSamplesPerSend 2000 per batchSendDeadline 5s\), less than 10x the 4000 samples\/s of longTermMetrics\.expectedSeries \(20000\) every 5s/],
  },
  { name: "a remote-write buffer smaller than two batches", config: prodSection("longTermMetrics", { queue: { capacity: 3000 } }), expect: [/longTermMetrics\.queue\.capacity: must be at least twice longTermMetrics\.queue\.maxSamplesPerSend \(2000\).*\(got 3000\)/] },
  { name: "Grafana Cloud without the Cloud access policy token", secrets: (({ grafanaCloudAccessPolicyToken: _t, ...rest }) => rest)(TEST_SECRETS), expect: [/grafanaCloudAccessPolicyToken: must be set as a secret when grafana\.cloud is set/] },
  { name: "prod without a dead man's switch", secrets: (({ heartbeatUrl: _h, ...rest }) => rest)(TEST_SECRETS), expect: [/heartbeatUrl: the dead man's switch that expects the Watchdog every minute, the only page when the cluster's monitoring looks alive but cannot page .*; prod must set it as a secret/] },
  { name: "Elasticsearch without its password", secrets: (({ jaegerStoragePassword: _p, ...rest }) => rest)(TEST_SECRETS), expect: [/jaegerStoragePassword: must be set as a secret when tracing\.jaeger\.storage\.type is elasticsearch/] },
];

describe("bad stack config fails before any resource is registered", () => {
  test.each(cases)("$name", async ({ config, without, secrets, expect: patterns }) => {
    const error: unknown = await runProgram("prod", { config, without, secrets }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProgramFailure);
    const failure = error as ProgramFailure;
    expect(failure.resources).toEqual([]);
    expect(failure.failure).toBeInstanceOf(Error);
    expect((failure.failure as Error).name).toBe(ConfigError.name);
    for (const pattern of patterns) expect(failure.message).toMatch(pattern);
    for (const secret of ["not-a-url-but-secret", ...Object.values(TEST_SECRETS)]) expect(failure.message).not.toContain(secret);
  });

  test("all problems are reported at once", async () => {
    const error = (await runProgram("prod", {
      config: { ...prodSection("slo", { availabilityTarget: 2 }), ...prodSection("logging", { retentionDays: 1 }) },
    }).catch((e) => e)) as ProgramFailure;
    expect(error.message).toMatch(/Invalid stack config \(2 problems\)/);
    expect(error.message).toMatch(/slo\.availabilityTarget/);
    expect(error.message).toMatch(/logging\.retentionDays/);
  });
});

test("staging may run without a dead man's switch, and is told what it lacks", () => {
  const raw = readStackConfig("staging");
  for (const [key, value] of Object.entries(PLACEHOLDER_SECRETS)) if (key !== "heartbeatUrl") raw[`${NAMESPACE}:${key}`] = value;
  const { warnings } = parseConfig(raw);
  expect(warnings).toEqual([expect.stringMatching(/^coditect-monitoring:heartbeatUrl: the dead man's switch .*; this staging stack runs without one$/)]);
  raw[`${NAMESPACE}:heartbeatUrl`] = PLACEHOLDER_SECRETS.heartbeatUrl;
  expect(parseConfig(raw).warnings).toEqual([]);
});
