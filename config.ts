// The one schema for everything a stack can set. Defaults live here and nowhere else; the stack files
// still set every key so that `diff Pulumi.staging.yaml Pulumi.prod.yaml` shows every difference.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { grafanaCloudTokenScopes } from "./lib/grafana-cloud-scopes";
import { DURATION_PATTERN, seconds } from "./lib/duration";

const duration = z
  .string()
  .regex(DURATION_PATTERN, { message: "must be a Prometheus duration such as 15s, 5m or 1h" });

const k8sName = z
  .string()
  .max(63, { message: "must be at most 63 characters" })
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message: "must be a Kubernetes name: lowercase letters, digits and '-', starting and ending alphanumeric",
  });

const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/, {
  message: "must be a Kubernetes quantity such as 500m, 2, 512Mi or 50Gi",
});

const positiveInt = z.number().int({ message: "must be a whole number" }).positive({ message: "must be at least 1" });
const ratio = z
  .number()
  .gt(0, { message: "must be greater than 0 and less than 1" })
  .lt(1, { message: "must be greater than 0 and less than 1" });
const portNumber = z.number().int({ message: "must be a port number" }).min(1, { message: "must be a port number" }).max(65535, { message: "must be a port number" });
const positive = z.number().positive({ message: "must be greater than 0" });
const httpsUrl = z.url({ protocol: /^https$/, message: "must be an https:// URL" });
const urlPath = z.string().regex(/^\/[^\s]*$/, { message: "must be a URL path starting with /" });
const email = z.email({ message: "must be an email address" });
const labels = z
  .record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9_.-]+$/, { message: "must be a label key" }), z.string())
  .refine((m) => Object.keys(m).length > 0, { message: "must name at least one label" });

const resources = z
  .object({
    requests: z.object({ cpu: quantity, memory: quantity }).strict(),
    limits: z.object({ memory: quantity }).strict(),
  })
  .strict();

const routeTiming = z
  .object({ groupWait: duration, groupInterval: duration, repeatInterval: duration })
  .strict();

const threshold = <T extends z.ZodTypeAny>(value: T) => z.object({ threshold: value, for: duration }).strict();

/** Where the per-license and seat forecast rule groups are evaluated (alerts.perLicense.evaluator). */
export const PER_LICENSE_EVALUATORS = ["prometheus", "managed"] as const;
export type PerLicenseEvaluator = (typeof PER_LICENSE_EVALUATORS)[number];

/** What holds an outage's page open once every Prometheus replica is gone (alerts.outage.backstop). */
export const OUTAGE_BACKSTOPS = ["none", "managed"] as const;

export const GCP_UPTIME_REGIONS = ["USA", "EUROPE", "SOUTH_AMERICA", "ASIA_PACIFIC", "USA_OREGON", "USA_IOWA", "USA_VIRGINIA"] as const;

export const schema = z
  .object({
    environment: z.enum(["staging", "prod"], { message: "must be staging or prod" }),
    gcp: z
      .object({
        project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { message: "must be a GCP project id" }),
        region: z.string().regex(/^[a-z]+-[a-z]+\d$/, { message: "must be a GCP region such as us-central1" }),
      })
      .strict(),
    cluster: z
      .object({
        name: k8sName,
        location: z.string().regex(/^[a-z]+-[a-z]+\d(-[a-z])?$/, {
          message: "must be a GCP region or zone such as us-central1 or us-central1-a",
        }),
        // GKE Dataplane V2 replaces kube-proxy with eBPF: there is no kube-proxy to scrape or alert on.
        dataplaneV2: z.boolean({ message: "must be true or false" }),
      })
      .strict(),
    namespaces: z.object({ monitoring: k8sName, licenseApi: k8sName, tracing: k8sName }).strict(),
    licenseApi: z
      .object({
        service: k8sName,
        job: k8sName,
        selector: labels,
        container: k8sName,
        port: portNumber,
        metricsPortName: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a Service port name" }).max(15),
        metricsPort: portNumber,
        metricsPath: urlPath,
        healthPath: urlPath,
        publicUrl: httpsUrl,
        scrapeInterval: duration,
        scrapeTimeout: duration,
        seatLimit: positiveInt,
        scrapeLimits: z.object({ samples: positiveInt, labels: positiveInt, labelValueLength: positiveInt }).strict(),
        // The one source of each license's seat gauges (docs/metrics.md, "The seats exporter"), scraped
        // by a job of its own at the seat alerts' cadence, with a sample limit sized for the licenses.
        seats: z
          .object({
            service: k8sName,
            selector: labels,
            metricsPortName: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a Service port name" }).max(15),
            metricsPort: portNumber,
            metricsPath: urlPath,
            scrapeInterval: duration,
            scrapeTimeout: duration,
            sampleLimit: positiveInt,
          })
          .strict(),
      })
      .strict(),
    prometheus: z
      .object({
        replicas: positiveInt,
        retention: duration,
        retentionSize: z.string().regex(/^\d+(B|KB|MB|GB|TB)$/, { message: "must be a size such as 45GB" }),
        storageSize: quantity,
        storageClass: k8sName,
        scrapeInterval: duration,
        evaluationInterval: duration,
        resources,
      })
      .strict(),
    alertmanager: z
      .object({
        replicas: positiveInt,
        storageSize: quantity,
        resources,
        resolveTimeout: duration,
        critical: routeTiming,
        warning: routeTiming,
        ticket: routeTiming,
      })
      .strict(),
    blackbox: z
      .object({ probeInterval: duration, probeTimeout: duration, resources })
      .strict(),
    slo: z
      .object({
        availabilityTarget: ratio,
        window: z.enum(["28d", "30d"], { message: "must be 28d or 30d" }),
      })
      .strict(),
    alerts: z
      .object({
        runbookBaseUrl: httpsUrl,
        outage: z
          .object({
            evaluationInterval: duration,
            probeFor: duration,
            targetsFor: duration,
            keepFiringFor: duration,
            // "managed": Managed Service for Prometheus' rule evaluator keeps an outage the cluster paged
            // open in Alertmanager while the probes still fail after every Prometheus replica is gone
            // (rules/outage-backstop.ts); "none": Alertmanager resolves it when their alerts expire.
            backstop: z.enum(OUTAGE_BACKSTOPS, { message: `must be one of ${OUTAGE_BACKSTOPS.map((e) => `"${e}"`).join(", ")}` }),
          })
          .strict(),
        errorRate: threshold(ratio),
        latencyP95Seconds: threshold(positive),
        seatUtilisation: threshold(ratio),
        seatDenialsPerSecond: threshold(positive),
        redisErrorsPerSecond: threshold(positive),
        databaseP95Seconds: threshold(positive),
        cpuUtilisation: threshold(ratio),
        memoryUtilisation: threshold(ratio),
        perLicense: z
          .object({
            evaluationInterval: duration,
            // Where the per-license and seat forecast groups run: in the cluster's Prometheus, or in
            // Managed Service for Prometheus' rule evaluator over Monarch, past what one Prometheus
            // evaluates within its interval (docs/capacity.md).
            evaluator: z.enum(PER_LICENSE_EVALUATORS, { message: `must be one of ${PER_LICENSE_EVALUATORS.map((e) => `"${e}"`).join(", ")}` }),
          })
          .strict(),
        forecast: z.object({ lookback: duration, horizon: duration, for: duration, evaluationInterval: duration }).strict(),
        failedValidationSpike: z
          .object({ factor: positive, minPerSecond: positive, baseline: duration, for: duration })
          .strict(),
        apiSeries: z.object({ nearLimit: ratio, growth: ratio, growthWindow: duration, for: duration }).strict(),
      })
      .strict(),
    pagerduty: z
      .object({
        team: z.object({ name: z.string().min(1), description: z.string() }).strict(),
        schedule: z
          .object({
            name: z.string().min(1),
            timeZone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/, { message: "must be an IANA time zone" }),
            layers: z
              .array(
                z
                  .object({
                    name: z.string().min(1),
                    start: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }),
                    rotationVirtualStart: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }),
                    rotationTurnLengthSeconds: z.number().int().min(3600, { message: "must be at least 3600 (one hour)" }),
                    users: z.array(email).min(1, { message: "must list at least one user" }),
                  })
                  .strict(),
              )
              .min(1, { message: "must have at least one layer: an empty schedule pages nobody" }),
          })
          .strict(),
        escalation: z
          .object({
            name: z.string().min(1),
            numLoops: z.number().int().min(0).max(9, { message: "must be between 0 and 9" }),
            rules: z
              .array(
                z
                  .object({
                    delayMinutes: z.number().int().min(1, { message: "must be at least 1 minute" }),
                    targets: z
                      .array(z.union([z.literal("schedule"), email], { message: 'must be "schedule" or a user\'s email' }))
                      .min(1, { message: "must list at least one target" }),
                  })
                  .strict(),
              )
              .min(1, { message: "must have at least one rule" }),
          })
          .strict(),
        service: z
          .object({
            name: z.string().min(1),
            urgency: z.enum(["high", "low", "severity_based"], { message: "must be high, low or severity_based" }),
            acknowledgementTimeoutSeconds: positiveInt,
          })
          .strict(),
      })
      .strict(),
    grafana: z
      .object({
        url: httpsUrl,
        folder: z.string().min(1),
        // The Grafana Cloud stack behind grafana.url: the stack creates its Private Data source Connect
        // network and runs the PDC agent in the cluster, through which Grafana Cloud reaches the
        // cluster-internal Prometheus and Jaeger. null for a Grafana with a route into the cluster.
        cloud: z
          .object({
            stackSlug: z.string().regex(/^[a-z][a-z0-9]{1,28}$/, { message: "must be a Grafana Cloud stack slug: lowercase letters and digits, starting with a letter" }),
            pdcAgent: z.object({ replicas: positiveInt, resources }).strict(),
          })
          .strict()
          .nullable(),
        // The Cloud Monitoring data source's service-account key is replaced after this many days.
        cloudMonitoringKeyRotationDays: z.number().int().min(1).max(90, { message: "must be between 1 and 90 days" }),
      })
      .strict(),
    // Long-term metrics: Prometheus remote-writes the recorded series (and the few raw series the
    // long-range panels need) to a distributed store that keeps them past the in-cluster retention.
    longTermMetrics: z
      .object({
        store: z.discriminatedUnion("type", [z.object({ type: z.literal("grafana-cloud-mimir") }).strict()], {
          message: 'must have type "grafana-cloud-mimir"',
        }),
        // Series one Prometheus replica sends; the queue below is checked against it.
        expectedSeries: positiveInt,
        queue: z
          .object({
            capacity: positiveInt,
            minShards: positiveInt,
            maxShards: positiveInt,
            maxSamplesPerSend: positiveInt,
            batchSendDeadline: duration,
            minBackoff: duration,
            maxBackoff: duration,
          })
          .strict(),
      })
      .strict(),
    logging: z
      .object({
        location: z.string().min(1),
        retentionDays: z.number().int().min(90, { message: "must be at least 90 (compliance retention)" }),
        auditRetentionDays: z.number().int().min(90, { message: "must be at least 90 (compliance retention)" }),
        auditLocked: z.boolean({ message: "must be true or false" }),
        // The committed record of what a locked audit bucket was locked with. Cloud Logging never changes
        // a locked bucket's retention (not even upwards), never unlocks it, and cannot move it; the record
        // lets the config refuse such an edit before anything is registered, where the provider would
        // only fail halfway through an update.
        auditLockedAs: z.object({ retentionDays: z.number().int(), location: z.string().min(1) }).strict().optional(),
        auditedServices: z
          .array(z.string().regex(/^[a-z0-9-]+\.googleapis\.com$/, { message: "must be a service such as redis.googleapis.com" }))
          .min(1),
        auditors: z
          .array(z.string().regex(/^(group|user|serviceAccount):\S+@\S+$/, { message: "must be an IAM member such as group:auditors@example.com" }))
          .min(1),
      })
      .strict()
      .superRefine((l, ctx) => {
        const locked = l.auditLockedAs;
        const record = `auditLockedAs: { retentionDays: ${l.auditRetentionDays}, location: ${l.location} }`;
        if (!locked) {
          if (l.auditLocked) {
            ctx.addIssue({ code: "custom", path: ["auditLocked"], message: `locks the audit bucket for good: record what it is locked with in the same change (logging.${record}), so that no later edit can try to change it` });
          }
          return;
        }
        const never = "Cloud Logging never changes a locked bucket";
        if (!l.auditLocked) {
          ctx.addIssue({ code: "custom", path: ["auditLocked"], message: `must stay true: logging.auditLockedAs records that the audit bucket is locked, and ${never} back to unlocked` });
        }
        if (l.auditRetentionDays !== locked.retentionDays) {
          ctx.addIssue({
            code: "custom",
            path: ["auditRetentionDays"],
            message: `must stay ${locked.retentionDays}: the audit bucket is locked with that retention (logging.auditLockedAs) and ${never}'s retention, not even to keep entries longer; to keep them longer, add a second bucket and sink with the new retention`,
          });
        }
        if (l.location !== locked.location) {
          ctx.addIssue({
            code: "custom",
            path: ["location"],
            message: `must stay ${locked.location}: the audit bucket is locked there (logging.auditLockedAs), and a locked bucket can neither move nor be deleted before its entries age out`,
          });
        }
      }),
    uptime: z
      .object({
        path: urlPath,
        period: z.enum(["60s", "300s", "600s", "900s"], { message: "must be one of 60s, 300s, 600s, 900s" }),
        timeout: duration,
        regions: z
          .array(z.enum(GCP_UPTIME_REGIONS, { message: `must be one of ${GCP_UPTIME_REGIONS.join(", ")}` }))
          .min(3, { message: "must list at least three regions (Cloud Monitoring's minimum)" }),
        contentMatcher: z.string().min(1),
      })
      .strict(),
    tracing: z
      .object({
        collector: z
          .object({
            replicas: positiveInt,
            resources,
          })
          .strict(),
        sampling: z.discriminatedUnion(
          "policy",
          [
            z.object({ policy: z.literal("keep-all") }).strict(),
            z
              .object({
                policy: z.literal("tail"),
                decisionWait: duration,
                slowThresholdMs: positiveInt,
                baselinePercent: z.number().gt(0).max(100, { message: "must be a percentage in (0, 100]" }),
              })
              .strict(),
          ],
          { message: 'must have policy "keep-all" or "tail"' },
        ),
        jaeger: z
          .object({
            storage: z.discriminatedUnion(
              "type",
              [
                z.object({ type: z.literal("memory"), maxTraces: positiveInt }).strict(),
                z.object({ type: z.literal("badger"), retentionDays: positiveInt, size: quantity, storageClass: k8sName }).strict(),
                z
                  .object({
                    type: z.enum(["elasticsearch", "opensearch"]),
                    url: httpsUrl,
                    username: z.string().min(1),
                    retentionDays: positiveInt,
                  })
                  .strict(),
              ],
              { message: 'must have type "memory", "badger", "elasticsearch" or "opensearch"' },
            ),
          })
          .strict(),
      })
      .strict(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const lessThan = (a: string, aPath: string[], b: string, bPath: string[], why: string) => {
      if (!(seconds(a) < seconds(b))) {
        ctx.addIssue({ code: "custom", path: aPath, message: `must be shorter than ${bPath.join(".")} (${b}): ${why}` });
      }
    };
    lessThan(c.licenseApi.scrapeTimeout, ["licenseApi", "scrapeTimeout"], c.licenseApi.scrapeInterval, ["licenseApi", "scrapeInterval"], "a scrape must end before the next starts");
    lessThan(c.blackbox.probeTimeout, ["blackbox", "probeTimeout"], c.blackbox.probeInterval, ["blackbox", "probeInterval"], "a probe must end before the next starts");
    if (seconds(c.licenseApi.scrapeInterval) > 15) {
      ctx.addIssue({ code: "custom", path: ["licenseApi", "scrapeInterval"], message: "must be 15s or shorter (the API's metrics contract)" });
    }
    // A single failed scrape or probe keeps its 0 for one interval; the alert must outlast that to not page.
    lessThan(c.licenseApi.scrapeInterval, ["licenseApi", "scrapeInterval"], c.alerts.outage.targetsFor, ["alerts", "outage", "targetsFor"], "a single failed scrape must not page");
    lessThan(c.blackbox.probeInterval, ["blackbox", "probeInterval"], c.alerts.outage.probeFor, ["alerts", "outage", "probeFor"], "a single failed probe must not page");
    lessThan(c.alerts.outage.evaluationInterval, ["alerts", "outage", "evaluationInterval"], c.alerts.outage.probeFor, ["alerts", "outage", "probeFor"], "for: needs at least two evaluations");
    outageToPage(c, ctx);
    onCallNamesOfTheEnvironment(c, ctx);
    grafanaReachesTheCluster(c, ctx);
    longTermQueue(c, ctx);
    const horizon = seconds(c.alerts.forecast.horizon);
    if (seconds(c.alerts.forecast.lookback) < horizon / 4) {
      ctx.addIssue({ code: "custom", path: ["alerts", "forecast", "lookback"], message: "must be at least a quarter of alerts.forecast.horizon: a short lookback extrapolates noise" });
    }
    // The per-license rules run in a group of their own, at their own cadence: often enough for the
    // seat alerts' for: to see a condition hold several times.
    const perLicense = c.alerts.perLicense.evaluationInterval;
    for (const key of ["seatUtilisation", "seatDenialsPerSecond"] as const) {
      lessThan(perLicense, ["alerts", "perLicense", "evaluationInterval"], c.alerts[key].for, ["alerts", key, "for"], "for: needs several evaluations");
    }
    const seats = c.licenseApi.seats;
    lessThan(seats.scrapeTimeout, ["licenseApi", "seats", "scrapeTimeout"], seats.scrapeInterval, ["licenseApi", "seats", "scrapeInterval"], "a scrape must end before the next starts");
    lessThan(seats.scrapeInterval, ["licenseApi", "seats", "scrapeInterval"], c.alerts.seatUtilisation.for, ["alerts", "seatUtilisation", "for"], "for: needs several samples of each license");
    // The forecast regresses the seats exporter's samples: a lookback of a handful would be noise.
    const every = c.alerts.forecast.evaluationInterval;
    if (seconds(c.alerts.forecast.lookback) < 20 * seconds(seats.scrapeInterval)) {
      ctx.addIssue({ code: "custom", path: ["alerts", "forecast", "lookback"], message: `must hold at least 20 samples of licenseApi.seats.scrapeInterval (${seats.scrapeInterval}), got ${c.alerts.forecast.lookback}` });
    }
    lessThan(every, ["alerts", "forecast", "evaluationInterval"], c.alerts.forecast.for, ["alerts", "forecast", "for"], "for: needs several evaluations");
  });

export type StackConfig = z.infer<typeof schema>;

/**
 * `--cluster.peer-timeout` of every Alertmanager replica (the Alertmanager resource's `clusterPeerTimeout`,
 * the local stack's flag). A replica at position n of the cluster takes its view of a group when the
 * group's timer fires, then waits n times this long before it checks the shared notification log and
 * notifies. If another replica notified a change in between (a resolve, a new outage), the waiting
 * replica still sends its older view: a trigger after the resolve opens a new PagerDuty incident, a
 * resolve after the trigger closes the incident while the API is down (Alertmanager's notify/notify.go,
 * WaitStage before DedupStage; prometheus/alertmanager#2447). With Alertmanager's default of 15s and the
 * critical route's 5s group_interval, that happened after nearly every resolve on the local stack.
 * Kept shorter than the critical group_interval over (replicas - 1), which the config schema checks,
 * every replica has decided on a view before any replica takes the next one. A slow notification
 * (over 1s) makes two replicas send the same event instead, which PagerDuty deduplicates.
 */
export const ALERTMANAGER_PEER_TIMEOUT = "1s";

/** The ADR's promise: an outage pages within a minute, the first one and any later one alike. */
export const OUTAGE_PAGE_BUDGET_SECONDS = 60;

/**
 * The outage path's timings, checked together: the worst case from the API going down to the page
 * PagerDuty receives, for each signal; the hold that keeps a flapping API in one incident; and the
 * critical route's timers, which Alertmanager's replicas must all act on between two evaluations.
 */
function outageToPage(c: z.infer<typeof schema>, ctx: z.RefinementCtx) {
  const o = c.alerts.outage;
  const critical = c.alertmanager.critical;
  const issue = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
  // A first outage waits group_wait in Alertmanager; a later one may join the group the previous
  // outage left behind, and wait for its next group_interval tick instead (dispatch/dispatch.go).
  const routing = seconds(critical.groupInterval) >= seconds(critical.groupWait)
    ? { key: "alertmanager.critical.groupInterval", value: critical.groupInterval }
    : { key: "alertmanager.critical.groupWait", value: critical.groupWait };
  const signals = [
    {
      name: "the health probe",
      terms: [["blackbox.probeInterval", c.blackbox.probeInterval], ["alerts.outage.probeFor", o.probeFor], ["alerts.outage.evaluationInterval", o.evaluationInterval], ["blackbox.probeTimeout", c.blackbox.probeTimeout], [routing.key, routing.value]],
    },
    {
      name: "the /metrics targets",
      terms: [["licenseApi.scrapeInterval", c.licenseApi.scrapeInterval], ["alerts.outage.targetsFor", o.targetsFor], ["alerts.outage.evaluationInterval", o.evaluationInterval], [routing.key, routing.value]],
    },
  ];
  for (const signal of signals) {
    const worst = signal.terms.reduce((sum, [, value]) => sum + seconds(value), 0);
    if (worst <= OUTAGE_PAGE_BUDGET_SECONDS) continue;
    // Reported at the longest term, the one most worth shortening.
    const [key] = [...signal.terms].sort((a, b) => seconds(b[1]) - seconds(a[1]))[0];
    issue(key.split("."), `lets an outage seen by ${signal.name} page ${worst}s after it starts, first or repeated (${signal.terms.map(([k, v]) => `${k} ${v}`).join(" + ")}); at most ${OUTAGE_PAGE_BUDGET_SECONDS}s is allowed`);
  }

  const hold = seconds(o.keepFiringFor);
  if (hold < seconds(c.blackbox.probeInterval)) {
    issue(["alerts", "outage", "keepFiringFor"], `must be at least blackbox.probeInterval (${c.blackbox.probeInterval}): one good probe in an outage must not resolve the page and open a new incident`);
  }
  // The targets' alert is not held (rules/outage.ts): it must have resolved on every Prometheus replica
  // before the probe's hold ends, or a replica still firing it reopens the incident after the resolve.
  if (!(hold > seconds(c.licenseApi.scrapeInterval))) {
    issue(["alerts", "outage", "keepFiringFor"], `must be longer than licenseApi.scrapeInterval (${c.licenseApi.scrapeInterval}): the /metrics targets signal must have recovered on every Prometheus replica before the probe's hold resolves the page`);
  }
  if (hold > OUTAGE_PAGE_BUDGET_SECONDS) {
    issue(["alerts", "outage", "keepFiringFor"], `must be at most 1m: the page stays open this long after the API recovers, and an outage that starts again within it is not paged anew`);
  }

  // Every Alertmanager replica's timer for a group fires at the same moments (the group is created when
  // an alert arrives, and alerts arrive right after an evaluation). Those moments must fall between
  // evaluations, or replicas take their views on either side of an arriving resolve or new outage and
  // contradict each other in PagerDuty; and the last replica must have decided before the next moment.
  const every = seconds(o.evaluationInterval);
  const offset = seconds(critical.groupWait) % every;
  if (seconds(critical.groupInterval) % every !== 0) {
    issue(["alertmanager", "critical", "groupInterval"], `must be a whole multiple of alerts.outage.evaluationInterval (${o.evaluationInterval}), so that Alertmanager acts at the same point between two evaluations every time`);
  }
  if (Math.min(offset, every - offset) < every / 4) {
    issue(["alertmanager", "critical", "groupWait"], `must fall between two evaluations of the outage rules, at least a quarter of alerts.outage.evaluationInterval (${o.evaluationInterval}) away from one (such as ${every * 500}ms, half of it): Alertmanager's replicas would otherwise decide as alerts arrive and send contradicting PagerDuty events`);
  }
  const lastReplicaWaits = (c.alertmanager.replicas - 1) * seconds(ALERTMANAGER_PEER_TIMEOUT);
  if (lastReplicaWaits >= seconds(critical.groupInterval)) {
    issue(["alertmanager", "critical", "groupInterval"], `must be longer than the last of ${c.alertmanager.replicas} Alertmanager replicas waits before it notifies (${lastReplicaWaits}s, ${ALERTMANAGER_PEER_TIMEOUT} per replica): it would send a view older than another replica's last notification`);
  }
}

/**
 * Staging and prod share one PagerDuty account, and each stack creates its own team, schedule,
 * escalation policy and service (components/on-call.ts), each named after its environment: people pick
 * a schedule to override, a policy to escalate to or a team to join by its name, and two stacks' objects
 * of one name could not be told apart.
 */
function onCallNamesOfTheEnvironment(c: z.infer<typeof schema>, ctx: z.RefinementCtx) {
  const suffix = ` (${c.environment})`;
  for (const key of ["team", "schedule", "escalation", "service"] as const) {
    if (c.pagerduty[key].name.endsWith(suffix)) continue;
    ctx.addIssue({
      code: "custom",
      path: ["pagerduty", key, "name"],
      message: `must end with "${suffix}": staging and prod create their PagerDuty team, schedule, escalation policy and service in one account, each named after its environment`,
    });
  }
}

/** Grafana Cloud's hosts: a Grafana there has no route to cluster-internal addresses of its own. */
export const isGrafanaCloud = (url: string) => /\.grafana\.net$/.test(new URL(url).hostname);

/**
 * Every data source of a dashboard must be reachable from the Grafana that shows it. Prometheus and
 * Jaeger listen on cluster-internal addresses, which Grafana Cloud reaches only through a PDC network;
 * and Grafana Cloud's Mimir, the long-term store, is found through the Grafana Cloud stack.
 */
function grafanaReachesTheCluster(c: z.infer<typeof schema>, ctx: z.RefinementCtx) {
  if (c.grafana.cloud !== null) return;
  if (isGrafanaCloud(c.grafana.url)) {
    ctx.addIssue({
      code: "custom",
      path: ["grafana", "cloud"],
      message: `must be set for a Grafana Cloud grafana.url (${c.grafana.url}): Grafana Cloud cannot reach the cluster-internal Prometheus and Jaeger except through the Private Data source Connect network and agent this key creates`,
    });
  }
  if (c.longTermMetrics.store.type === "grafana-cloud-mimir") {
    ctx.addIssue({
      code: "custom",
      path: ["longTermMetrics", "store", "type"],
      message: "grafana-cloud-mimir needs grafana.cloud (the Grafana Cloud stack whose Mimir receives the remote write)",
    });
  }
}

/**
 * Remote write's queue (Prometheus' queue_config): a shard sends at least one batch per
 * batchSendDeadline, so all shards together must drain the replica's samples several times faster
 * than they arrive, or a backlog after a store outage never clears; and each shard's buffer must hold
 * more than one batch.
 */
export const LONG_TERM_CATCH_UP_FACTOR = 10;
function longTermQueue(c: z.infer<typeof schema>, ctx: z.RefinementCtx) {
  const q = c.longTermMetrics.queue;
  const issue = (key: string, message: string) => ctx.addIssue({ code: "custom", path: ["longTermMetrics", "queue", key], message });
  if (q.minShards > q.maxShards) issue("minShards", `must be at most longTermMetrics.queue.maxShards (${q.maxShards})`);
  if (q.capacity < 2 * q.maxSamplesPerSend) issue("capacity", `must be at least twice longTermMetrics.queue.maxSamplesPerSend (${q.maxSamplesPerSend}): a shard buffers the next batch while it sends one`);
  if (seconds(q.minBackoff) > seconds(q.maxBackoff)) issue("minBackoff", `must be at most longTermMetrics.queue.maxBackoff (${q.maxBackoff})`);
  const fastest = Math.min(seconds(c.prometheus.evaluationInterval), seconds(c.prometheus.scrapeInterval), seconds(c.blackbox.probeInterval));
  const arriving = c.longTermMetrics.expectedSeries / fastest;
  const draining = (q.maxShards * q.maxSamplesPerSend) / seconds(q.batchSendDeadline);
  if (draining < LONG_TERM_CATCH_UP_FACTOR * arriving) {
    issue(
      "maxShards",
      `drains at most ${roundTo(draining)} samples/s (maxShards ${q.maxShards} x maxSamplesPerSend ${q.maxSamplesPerSend} per batchSendDeadline ${q.batchSendDeadline}), less than ${LONG_TERM_CATCH_UP_FACTOR}x the ${roundTo(arriving)} samples/s of longTermMetrics.expectedSeries (${c.longTermMetrics.expectedSeries}) every ${fastest}s: a backlog would never clear`,
    );
  }
}

const roundTo = (x: number) => Number(x.toPrecision(4));

/**
 * Secrets are separate keys, each a secret `pulumiConfig` value of the stack's ESC environment
 * (docs/bootstrap.md, step 7), so that each can be set and rotated alone.
 */
export const secretSchema = z
  .object({
    pagerdutyToken: z.string().min(1, { message: "must be set as a secret in the stack's ESC environment (docs/bootstrap.md, step 7)" }),
    // One Slack incoming webhook per destination (render/alertmanager-config.ts, SLACK_RECEIVERS): the
    // stack's warnings, the SLO tickets, and the cluster alerts of kube-prometheus-stack that do not
    // page. A Slack app's webhook posts to the one channel it was created for and ignores a message's
    // `channel`, so the webhook is what chooses the channel.
    slackAlertsWebhookUrl: httpsUrl,
    slackTicketsWebhookUrl: httpsUrl,
    slackPlatformWebhookUrl: httpsUrl,
    grafanaAuth: z.string().min(1, { message: "must be set as a secret in the stack's ESC environment (docs/bootstrap.md, step 7)" }),
    heartbeatUrl: httpsUrl.optional(),
    jaegerStoragePassword: z.string().min(1).optional(),
    // A Grafana Cloud access policy token (lib/grafana-cloud-scopes.ts) with which the stack manages its
    // Grafana Cloud resources; needed when grafana.cloud is set.
    grafanaCloudAccessPolicyToken: z.string().min(1).optional(),
  })
  .strict();

export type StackSecrets = z.infer<typeof secretSchema>;
/** The secrets holding the Slack incoming webhooks, one per destination. */
export const SLACK_WEBHOOK_SECRETS = ["slackAlertsWebhookUrl", "slackTicketsWebhookUrl", "slackPlatformWebhookUrl"] as const satisfies readonly (keyof StackSecrets)[];
export type SlackWebhookSecret = (typeof SLACK_WEBHOOK_SECRETS)[number];
export const SECRET_KEYS = Object.keys(secretSchema.shape) as (keyof StackSecrets)[];

export const NAMESPACE = "coditect-monitoring";

/** Every problem with a stack's config, reported at once, before any resource is registered. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface ParsedConfig {
  config: StackConfig;
  secrets: StackSecrets;
  /** What the stack may run without, and should not: the program logs each at every preview. */
  warnings: string[];
}

/** Why the heartbeat URL matters, for the messages that ask for it. */
export const HEARTBEAT_PURPOSE =
  "the dead man's switch that expects the Watchdog every minute, the only page when the cluster's monitoring looks alive but cannot page (Alertmanager unable to reach PagerDuty, Prometheus unable to reach Alertmanager, a Prometheus crash-looping)";

/**
 * Validates the raw config map as the Pulumi engine hands it to the program (`namespace:key` to a
 * string, objects JSON-encoded). Pure, so it is tested without Pulumi.
 */
export function parseConfig(raw: Record<string, string>): ParsedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const values: Record<string, unknown> = {};
  const secretValues: Record<string, unknown> = {};
  const known = [...Object.keys(schema.shape), ...SECRET_KEYS];
  for (const [fullKey, text] of Object.entries(raw)) {
    if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
    const key = fullKey.slice(NAMESPACE.length + 1);
    if (!known.includes(key)) {
      problems.push(`${fullKey}: unknown key${hint(key, known)}`);
      continue;
    }
    if ((SECRET_KEYS as string[]).includes(key)) {
      secretValues[key] = text;
    } else {
      values[key] = decode(text);
    }
  }
  const config = schema.safeParse(values);
  const secrets = secretSchema.safeParse(secretValues);
  if (!config.success) problems.push(...describe(config.error.issues, values, false));
  if (!secrets.success) problems.push(...describe(secrets.error.issues, secretValues, true));
  if (secrets.success) problems.push(...sharedSlackWebhooks(secrets.data));
  if (config.success && secrets.success) {
    const storage = config.data.tracing.jaeger.storage;
    if ((storage.type === "elasticsearch" || storage.type === "opensearch") && !secrets.data.jaegerStoragePassword) {
      problems.push(`${NAMESPACE}:jaegerStoragePassword: must be set as a secret when tracing.jaeger.storage.type is ${storage.type}`);
    }
    if (!secrets.data.heartbeatUrl) {
      const need = `${NAMESPACE}:heartbeatUrl: ${HEARTBEAT_PURPOSE}`;
      if (config.data.environment === "prod") problems.push(`${need}; prod must set it as a secret`);
      else warnings.push(`${need}; this ${config.data.environment} stack runs without one`);
    }
    if (config.data.grafana.cloud !== null && !secrets.data.grafanaCloudAccessPolicyToken) {
      problems.push(
        `${NAMESPACE}:grafanaCloudAccessPolicyToken: must be set as a secret when grafana.cloud is set (the Grafana Cloud access policy token the stack manages the PDC network and access policies with; scopes ${grafanaCloudTokenScopes()})`,
      );
    }
  }
  if (problems.length > 0 || !config.success || !secrets.success) throw new ConfigError(problems);
  return { config: config.data, secrets: secrets.data, warnings };
}

/**
 * A webhook given for two destinations posts both to its one channel: tickets would land among the
 * alerts. Two destinations meant for one channel take a webhook each, created for that channel.
 */
function sharedSlackWebhooks(secrets: StackSecrets): string[] {
  return SLACK_WEBHOOK_SECRETS.flatMap((key, i) => {
    const same = SLACK_WEBHOOK_SECRETS.slice(0, i).find((earlier) => secrets[earlier] === secrets[key]);
    return same
      ? [`${NAMESPACE}:${key}: must differ from ${NAMESPACE}:${same} (got the same URL): a Slack incoming webhook posts to the one channel it was created for, whatever a message says; give each destination a webhook of its own, created for its channel (several may be created for one channel)`]
      : [];
  });
}

function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(issues: z.core.$ZodIssue[], input: Record<string, unknown>, secret: boolean): string[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      const allowed = keysAt(path);
      return issue.keys.map((k) => `${NAMESPACE}:${[...path, k].join(".")}: unknown key${hint(k, allowed)}`);
    }
    const value = valueAt(input, path);
    const shown = value === undefined ? "missing" : secret ? "<secret>" : JSON.stringify(value);
    const message = value === undefined ? "is required" : issue.message;
    return [`${NAMESPACE}:${path.join(".")}: ${message} (got ${shown})`];
  });
}

function valueAt(input: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), input);
}

/** The keys the schema allows at a path, for "did you mean" hints on typos. */
function keysAt(path: string[]): string[] {
  let node: z.ZodTypeAny = schema;
  for (const key of path) {
    const shape = objectShape(node);
    if (!shape || !(key in shape)) return [];
    node = shape[key];
  }
  return Object.keys(objectShape(node) ?? {});
}

function objectShape(node: z.ZodTypeAny): Record<string, z.ZodTypeAny> | undefined {
  const inner = node instanceof z.ZodPipe ? node.in : node;
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodTypeAny>) : undefined;
}

function hint(key: string, allowed: string[]): string {
  const best = allowed
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  const suggestion = best && best.distance <= Math.max(2, Math.floor(key.length / 4)) ? `; did you mean "${best.candidate}"?` : "";
  return `${suggestion} (allowed: ${allowed.join(", ")})`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export interface SecretOutputs {
  pagerdutyToken: pulumi.Output<string>;
  slackAlertsWebhookUrl: pulumi.Output<string>;
  slackTicketsWebhookUrl: pulumi.Output<string>;
  slackPlatformWebhookUrl: pulumi.Output<string>;
  grafanaAuth: pulumi.Output<string>;
  heartbeatUrl?: pulumi.Output<string>;
  jaegerStoragePassword?: pulumi.Output<string>;
  grafanaCloudAccessPolicyToken?: pulumi.Output<string>;
}

/**
 * The program's one entry to config: validates everything once and hands out secrets only as
 * Pulumi secrets, so their plaintext can reach nothing but resource inputs that keep them secret.
 */
export function loadStackConfig(): { config: StackConfig; secrets: SecretOutputs } {
  const { config, secrets, warnings } = parseConfig(pulumi.runtime.allConfig());
  for (const warning of warnings) void pulumi.log.warn(warning);
  const secret = (value: string | undefined) => (value === undefined ? undefined : pulumi.secret(value));
  return {
    config,
    secrets: {
      pagerdutyToken: pulumi.secret(secrets.pagerdutyToken),
      slackAlertsWebhookUrl: pulumi.secret(secrets.slackAlertsWebhookUrl),
      slackTicketsWebhookUrl: pulumi.secret(secrets.slackTicketsWebhookUrl),
      slackPlatformWebhookUrl: pulumi.secret(secrets.slackPlatformWebhookUrl),
      grafanaAuth: pulumi.secret(secrets.grafanaAuth),
      heartbeatUrl: secret(secrets.heartbeatUrl),
      jaegerStoragePassword: secret(secrets.jaegerStoragePassword),
      grafanaCloudAccessPolicyToken: secret(secrets.grafanaCloudAccessPolicyToken),
    },
  };
}
