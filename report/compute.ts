// The report's figures from the month's history: pure functions, no I/O.
//
// Availability uses the SLI of the burn-rate alerts (sliBad in lib/identities.ts): the share of time
// the API could not answer counts wholly as failed, the request error ratio applies to the rest. The
// time is every replica's record merged per evaluation (merge.ts): downtime where the replicas that
// recorded it saw the API unable to answer, unknown where none recorded anything. Unknown time is
// neither downtime nor uptime: availability is that of the time observed, and the report also gives
// the worst case (every unknown moment downtime) and says when it would turn the verdict.
import { createHash } from "crypto";
import { DateTime } from "luxon";
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { errorBudget, sliBad } from "../lib/identities";
import { RECEIVERS } from "../render/alertmanager-config";
import { isAlert, allRuleGroups } from "../rules";
import { DEFAULT_RETENTION_SECONDS, type AlertmanagerView, type Silence } from "./alertmanager";
import { managedAlertNames } from "./managed";
import type { MonthData, Rates } from "./data";
import { count, runs, type State } from "./merge";
import type { Month, Period } from "./month";
import type { Series } from "./prometheus";
import type { Routing } from "./routing";
import { firingAt, inhibitors, silenceMatches, silencing, type FiringSpan } from "./suppression";

export interface Availability {
  /** Share of the observed time the API could not answer. */
  unavailable: number;
  /** Failed validations over validations while it answered. */
  requestErrorRatio: number;
  /** Of the observed time. */
  availability: number;
  /** Share of the period's error budget spent (1 = all of it). */
  budgetConsumed: number;
  met: boolean;
  /** Share of the period no replica recorded. */
  unknown: number;
  /** The availability had every unknown moment been downtime: the lowest the unknown time allows. */
  worstCase: number;
  /** The unknown time could turn the verdict: met over the observed time, missed in the worst case. */
  verdictDependsOnUnknown: boolean;
}

export interface DowntimePeriod {
  start: number;
  end: number;
  /** The APIServerDown signals that fired in it; none when it was too short to page. */
  signals: string[];
}

export interface UnknownPeriod {
  start: number;
  end: number;
}

export interface AlertStats {
  alertname: string;
  severity: string;
  receiver: string;
  page: boolean;
  fired: number;
  firingSeconds: number;
  medianSeconds: number;
  /** PagerDuty incidents it opened: pages. Firing while an incident of its Alertmanager group was open, it joined that one instead. */
  incidentsOpened: number;
  /** Times it fired into an incident already open (one its group's other alerts had opened): an update, not a page. */
  joinedOpenIncident: number;
  /** Of the incidents it opened, those that began outside business hours. */
  pagesOutsideBusinessHours: number;
  /** Fired and resolved again within the rule's for:. */
  flapping: number;
  forSeconds: number;
  /** The receiver has an integration: false for one that drops what it receives (the null receiver). */
  receiverDelivers: boolean;
  /** Times fired while an inhibiting alert fired at every evaluation: never notified. */
  inhibited: number;
  /** Times fired while a silence covered every evaluation: never notified. null: silences not checked. */
  silenced: number | null;
  /** Times fired that reached no receiver: inhibited or silenced throughout, or routed to a receiver without integration. */
  undelivered: number;
}

export interface SilenceRow {
  id: string;
  matchers: string;
  startsAt: number;
  endsAt: number;
  state: Silence["state"];
  createdBy: string;
  comment: string;
  /** Alerts it silenced in the month, and at how many of their evaluations. */
  matched: { alertname: string; evaluations: number }[];
}

export type SilencesReport =
  | { checked: false }
  | {
      checked: true;
      alertmanager: string;
      readAt: number;
      /** Silences that ended before this may be gone from Alertmanager (its --data.retention); undefined when the month is within it. */
      knownSince?: number;
      list: SilenceRow[];
    };

export interface Report {
  stack: string;
  /** PagerDuty incidents the month's alerts opened (pages), and the times an alert joined one already open. */
  incidents: { opened: number; joined: number };
  month: Month;
  objective: number;
  evaluationSeconds: number;
  overall: Availability;
  tiers: Record<string, Availability>;
  days: (Availability & { label: string; unknownMinutes: number })[];
  worstDays: (Availability & { label: string })[];
  /** Minutes no replica recorded. */
  unknownMinutes: number;
  /** The replicas whose records were merged, and the SLI samples each recorded in the period. */
  replicas: Record<string, number>;
  /** The replica the tiers' failures and the licenses came from. */
  figuresFrom: string;
  downtime: DowntimePeriod[];
  /** Periods no replica recorded, of at least a minute. */
  unobserved: UnknownPeriod[];
  impact: { tier: string; failed: number; minutesAffected: number; availability: number }[];
  licenses: { id: string; tier: string; failed: number; minutesAffected: number }[];
  alerts: AlertStats[];
  /** The alerts read from the managed rule evaluator's record (the groups the stack places there), not the cluster's Prometheus'. */
  managedEvaluatorAlerts: string[];
  /** Where the routing and inhibit rules came from. */
  routing: string;
  silences: SilencesReport;
  businessHours: { zone: string; from: number; to: number };
}

/** A license key as the report shows it: never the key, a short digest a support engineer can match. */
export const licenseId = (key: string) => `sha256:${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;

const ratio = (r: Rates) => (r.requests > 0 ? r.errors / r.requests : 0);
const add = (a: Rates, b: Rates | undefined): Rates => ({ errors: a.errors + (b?.errors ?? 0), requests: a.requests + (b?.requests ?? 0) });

/** The availability of a stretch of evaluation intervals, with its request error ratio. */
function availability(states: State[], errors: Rates, c: StackConfig): Availability {
  const down = count(states, "down");
  const unknown = count(states, "unknown");
  const known = states.length - unknown;
  const err = ratio(errors);
  const observed = sliBad(known ? down / known : 0, err);
  const worst = sliBad(states.length ? (down + unknown) / states.length : 0, err);
  const met = 1 - observed >= c.slo.availabilityTarget;
  return {
    unavailable: known ? down / known : 0,
    requestErrorRatio: err,
    availability: 1 - observed,
    budgetConsumed: observed / errorBudget(c),
    met,
    unknown: states.length ? unknown / states.length : 0,
    worstCase: 1 - worst,
    verdictDependsOnUnknown: met && 1 - worst < c.slo.availabilityTarget,
  };
}

interface RuleInfo {
  forSeconds: number;
  keepFiringSeconds: number;
  intervalSeconds: number;
}

function ruleOf(c: StackConfig, labels: Record<string, string>): RuleInfo {
  for (const g of allRuleGroups(c)) {
    for (const r of g.rules.filter(isAlert)) {
      if (r.alert === labels.alertname && Object.entries(r.labels).every(([k, v]) => labels[k] === v))
        return { forSeconds: seconds(r.for ?? "0s"), keepFiringSeconds: seconds(r.keep_firing_for ?? "0s"), intervalSeconds: seconds(g.interval ?? c.prometheus.evaluationInterval) };
    }
  }
  return { forSeconds: 0, keepFiringSeconds: 0, intervalSeconds: seconds(c.prometheus.evaluationInterval) };
}

interface Episode {
  first: number;
  last: number;
}

/** Runs of samples no further apart than 1.5 evaluation intervals: one alert each, from first to last evaluation. */
export function episodes(times: number[], intervalSeconds: number): Episode[] {
  const out: Episode[] = [];
  for (const t of [...times].sort((a, b) => a - b)) {
    const cur = out[out.length - 1];
    if (cur && t - cur.last <= 1.5 * intervalSeconds) cur.last = t;
    else out.push({ first: t, last: t });
  }
  return out;
}

const median = (xs: number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const seriesKey = (m: Record<string, string>) =>
  Object.entries(m)
    .filter(([k]) => k !== "alertstate" && k !== "__name__")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/** The signals of the outage alert that fired from `start` to `end`. */
function signalsBetween(alerts: Series[], start: number, end: number, outageAlert = "APIServerDown"): string[] {
  const fired = alerts.filter((a) => a.metric.alertname === outageAlert && a.metric.alertstate === "firing" && a.values.some(([t]) => t >= start && t < end));
  return [...new Set(fired.map((a) => a.metric.signal ?? outageAlert))].sort();
}

/** Downtime as the merged SLI says, period by period, with the outage alert's signals that fired in each. */
export function downtimePeriods(month: Period, step: number, states: State[], alerts: Series[]): DowntimePeriod[] {
  return runs(month, step, states)
    .filter((r) => r.state === "down")
    .map((r) => ({ start: r.start, end: r.end, signals: signalsBetween(alerts, r.start, r.end) }));
}

const alertLabels = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== "alertstate" && k !== "__name__"));

/** Every alert's firing episodes, with the evaluations in each. */
function firingEpisodes(c: StackConfig, alerts: Series[]) {
  return alerts
    .filter((a) => a.metric.alertstate === "firing")
    .map((s) => {
      const labels = alertLabels(s.metric);
      const rule = ruleOf(c, labels);
      const times = s.values.map(([t]) => t);
      return { key: seriesKey(labels), labels, rule, episodes: episodes(times, rule.intervalSeconds).map((e) => ({ ...e, times: times.filter((t) => t >= e.first && t <= e.last) })) };
    });
}

/** A firing episode that reached PagerDuty, as part of its Alertmanager group. */
interface PagingEpisode {
  id: string;
  group: string;
  from: number;
  to: number;
}

/**
 * The episodes that opened a PagerDuty incident: those that began while no other episode of their
 * Alertmanager group (one dedup_key) fired. The others joined the incident open then (of two that begin
 * at one evaluation, one opens it).
 */
function openingEpisodes(episodes: PagingEpisode[]): Set<string> {
  const openUntil = new Map<string, number>();
  const opening = new Set<string>();
  for (const e of [...episodes].sort((a, b) => a.from - b.from || a.id.localeCompare(b.id))) {
    const until = openUntil.get(e.group);
    if (until === undefined || until <= e.from) opening.add(e.id);
    openUntil.set(e.group, Math.max(until ?? e.to, e.to));
  }
  return opening;
}

export function alertStats(c: StackConfig, alerts: Series[], routing: Routing, silences: Silence[] | undefined, business = BUSINESS_HOURS): AlertStats[] {
  const zone = c.pagerduty.schedule.timeZone;
  const firing = firingEpisodes(c, alerts);
  const spans: FiringSpan[] = firing.flatMap((f) => f.episodes.map((e) => ({ key: f.key, labels: f.labels, from: e.first, to: e.last + f.rule.intervalSeconds })));
  // Whether each episode was muted, once, for the delivery counts and for the incidents.
  const muted = new Map(
    firing.map((f) => {
      const inhibiting = inhibitors(routing, spans, { key: f.key, labels: f.labels });
      return [
        f.key,
        f.episodes.map((e) => ({
          inhibited: inhibiting.length > 0 && e.times.every((t) => firingAt(inhibiting, t)),
          silenced: silences !== undefined && e.times.every((t) => silencing(silences, f.labels, t).length > 0),
        })),
      ] as const;
    }),
  );
  const episodeId = (key: string, i: number) => `${key}#${i}`;
  const opening = openingEpisodes(
    firing.flatMap((f) =>
      routing.receiverOf(f.labels) === PAGER && routing.delivers(PAGER)
        ? f.episodes.flatMap((e, i) =>
            muted.get(f.key)![i].inhibited || muted.get(f.key)![i].silenced ? [] : [{ id: episodeId(f.key, i), group: routing.groupOf(f.labels), from: e.first, to: e.last + f.rule.intervalSeconds }],
          )
        : [],
    ),
  );
  const groups = new Map<string, AlertStats & { durations: number[] }>();
  // Alerts of severity none notify nobody (the inhibition sources, the chart's InfoInhibitor): not alerts anyone got.
  for (const { key: seriesId, labels, rule, episodes: eps } of firing.filter((f) => f.labels.severity !== "none")) {
    const receiver = routing.receiverOf(labels);
    const key = `${labels.alertname}\u0000${labels.severity ?? ""}`;
    const g = groups.get(key) ?? {
      alertname: labels.alertname,
      severity: labels.severity ?? "",
      receiver,
      page: receiver === PAGER,
      fired: 0,
      firingSeconds: 0,
      medianSeconds: 0,
      incidentsOpened: 0,
      joinedOpenIncident: 0,
      pagesOutsideBusinessHours: 0,
      flapping: 0,
      forSeconds: rule.forSeconds,
      receiverDelivers: routing.delivers(receiver),
      inhibited: 0,
      silenced: silences ? 0 : null,
      undelivered: 0,
      durations: [],
    };
    for (const [i, e] of eps.entries()) {
      const firingFor = e.last - e.first + rule.intervalSeconds;
      g.fired++;
      g.durations.push(firingFor);
      g.firingSeconds += firingFor;
      if (rule.forSeconds > 0 && firingFor < rule.forSeconds) g.flapping++;
      const { inhibited, silenced } = muted.get(seriesId)![i];
      if (g.page && g.receiverDelivers && !inhibited && !silenced) {
        if (opening.has(episodeId(seriesId, i))) {
          g.incidentsOpened++;
          if (!inBusinessHours(e.first, zone, business)) g.pagesOutsideBusinessHours++;
        } else g.joinedOpenIncident++;
      }
      if (inhibited) g.inhibited++;
      if (silenced) g.silenced = (g.silenced ?? 0) + 1;
      if (inhibited || silenced || !g.receiverDelivers) g.undelivered++;
    }
    groups.set(key, g);
  }
  return [...groups.values()]
    .map(({ durations, ...g }) => ({ ...g, medianSeconds: median(durations) }))
    .sort((a, b) => b.fired - a.fired || a.alertname.localeCompare(b.alertname));
}

const operator = (m: Silence["matchers"][number]) => ((m.isEqual ?? true) ? (m.isRegex ? "=~" : "=") : m.isRegex ? "!~" : "!=");
const matcherText = (s: Silence) => s.matchers.map((m) => `${m.name}${operator(m)}"${m.value}"`).join(", ");

/** The silences that overlapped the month, and the alerts each silenced (at their firing evaluations). */
export function silencesReport(c: StackConfig, month: Month, alerts: Series[], am: AlertmanagerView | undefined): SilencesReport {
  if (!am) return { checked: false };
  const firing = firingEpisodes(c, alerts);
  const list = am.silences
    .filter((s) => s.startsAt < month.end && s.endsAt > month.start)
    .sort((a, b) => a.startsAt - b.startsAt || a.id.localeCompare(b.id))
    .map((s): SilenceRow => {
      const counts = new Map<string, number>();
      for (const f of firing.filter((x) => silenceMatches(s, x.labels)))
        for (const t of f.episodes.flatMap((e) => e.times)) if (t >= s.startsAt && t <= s.endsAt) counts.set(f.labels.alertname, (counts.get(f.labels.alertname) ?? 0) + 1);
      return {
        id: s.id,
        matchers: matcherText(s),
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        state: s.state,
        createdBy: s.createdBy,
        comment: s.comment,
        matched: [...counts].map(([alertname, evaluations]) => ({ alertname, evaluations })).sort((a, b) => a.alertname.localeCompare(b.alertname)),
      };
    });
  const knownSince = am.readAt - DEFAULT_RETENTION_SECONDS;
  return { checked: true, alertmanager: am.url, readAt: am.readAt, ...(month.start < knownSince ? { knownSince } : {}), list };
}

/** The receiver that pages a person. */
export const PAGER: string = RECEIVERS.pagerduty;
/** Business hours of the on-call schedule's time zone: Monday to Friday, from 09:00 to 17:00. */
export const BUSINESS_HOURS = { from: 9, to: 17 };

export function inBusinessHours(t: number, zone: string, hours = BUSINESS_HOURS): boolean {
  const local = DateTime.fromSeconds(t, { zone });
  return local.weekday <= 5 && local.hour >= hours.from && local.hour < hours.to;
}

export function computeReport(c: StackConfig, stack: string, month: Month, data: MonthData, routing: Routing, alertmanager?: AlertmanagerView): Report {
  const evaluationSeconds = seconds(c.prometheus.evaluationInterval);
  const states = data.days.flatMap((d) => d.states);
  const total = data.days.reduce((acc, d) => add(acc, d.overall), { errors: 0, requests: 0 });
  const tierNames = [...new Set([...data.days.flatMap((d) => Object.keys(d.tiers)), ...Object.keys(data.tierFailed)])].filter(Boolean).sort();
  const tiers = Object.fromEntries(
    tierNames.map((t) => [t, availability(states, data.days.reduce((acc, d) => add(acc, d.tiers[t]), { errors: 0, requests: 0 }), c)]),
  );
  const days = data.days.map((d) => ({ label: d.period.label, ...availability(d.states, d.overall, c), unknownMinutes: (count(d.states, "unknown") * evaluationSeconds) / 60 }));
  const replicas: Record<string, number> = {};
  for (const d of data.days) for (const [name, n] of Object.entries(d.samples)) replicas[name] = (replicas[name] ?? 0) + n;
  const alerts = alertStats(c, data.alerts, routing, alertmanager?.silences);
  return {
    stack,
    incidents: { opened: alerts.reduce((n, a) => n + a.incidentsOpened, 0), joined: alerts.reduce((n, a) => n + a.joinedOpenIncident, 0) },
    month,
    objective: c.slo.availabilityTarget,
    evaluationSeconds,
    overall: availability(states, total, c),
    tiers,
    days,
    worstDays: days
      .filter((d) => d.availability < 1)
      .sort((a, b) => a.availability - b.availability)
      .slice(0, 5),
    unknownMinutes: days.reduce((s, d) => s + d.unknownMinutes, 0),
    replicas,
    figuresFrom: data.figuresFrom,
    downtime: downtimePeriods(month, evaluationSeconds, states, data.alerts),
    unobserved: runs(month, evaluationSeconds, states)
      .filter((r) => r.state === "unknown" && r.end - r.start >= 60)
      .map(({ start, end }) => ({ start, end })),
    impact: tierNames.map((t) => ({ tier: t, failed: Math.round(data.tierFailed[t] ?? 0), minutesAffected: Math.round(data.tierMinutes[t] ?? 0), availability: tiers[t].availability })),
    licenses: data.licenses
      .map((l) => ({ id: licenseId(l.licenseKey), tier: l.tier, failed: Math.round(l.failed), minutesAffected: Math.round(l.minutesAffected) }))
      .sort((a, b) => b.failed - a.failed),
    alerts,
    managedEvaluatorAlerts: managedAlertNames(c),
    routing: routing.source,
    silences: silencesReport(c, month, data.alerts, alertmanager),
    businessHours: { zone: c.pagerduty.schedule.timeZone, ...BUSINESS_HOURS },
  };
}
