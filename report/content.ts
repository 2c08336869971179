// The report's content as headed tables and notes, rendered the same way to Markdown and HTML: one
// place decides what the report says.
import type { Report } from "./compute";
import { duration, percent, time } from "./format";

export interface Table {
  head: string[];
  rows: string[][];
  /** What the report says instead of an empty table. */
  empty: string;
}

export interface Section {
  title: string;
  paragraphs: string[];
  tables: Table[];
  /** Which chart the HTML page draws in this section. */
  chart?: "days" | "alerts";
}

export function sections(r: Report): Section[] {
  const z = r.month.zone;
  const budget = percent(1 - r.objective, 1);
  const verdict = (met: boolean) => (met ? "met" : "missed");
  return [
    {
      title: "SLA",
      paragraphs: [
        `Availability ${percent(r.overall.availability)} against the ${percent(r.objective, 1)} objective: SLA ${verdict(r.overall.met)}. ` +
          `Error budget (${budget} of the period) consumed: ${percent(r.overall.budgetConsumed, 1)}.`,
        `Time the API could not answer: ${percent(r.overall.unavailable)} of the time observed; validations failed while it answered: ${percent(r.overall.requestErrorRatio, 4)}.`,
        `Not observed: ${duration(r.unknownMinutes * 60)} (${percent(r.overall.unknown)} of the period), when no Prometheus replica recorded anything. ` +
          `Counted as downtime it would make availability ${percent(r.overall.worstCase)}: ` +
          (r.overall.verdictDependsOnUnknown ? "the unobserved time alone could turn the verdict to missed." : "the verdict would stand."),
        `Downtime is time in which every Prometheus replica that observed the API saw it unable to answer: every health probe failing, or no /metrics target up while no probe gets through. ` +
          `Each replica's record (${Object.entries(r.replicas).map(([name, n]) => `${name}: ${n} samples`).join("; ")}) is merged per ${r.evaluationSeconds} s evaluation: a moment one replica saw answered is not downtime; ` +
          `a moment none observed is neither downtime nor uptime, and availability is that of the time observed. The request error ratio applies to the time the API answered.`,
        ...(r.month.partial ? [`The month is still running: the period ends at ${time(r.month.end, z)}.`] : []),
      ],
      tables: [
        { head: ["tier", "availability", "budget consumed", "SLA"], rows: Object.entries(r.tiers).map(([t, a]) => [t, percent(a.availability), percent(a.budgetConsumed, 1), verdict(a.met)]), empty: "No validations by tier recorded." },
        { head: ["worst day", "availability", "could not answer", "not observed"], rows: r.worstDays.map((d) => [d.label, percent(d.availability), percent(d.unavailable), duration((r.days.find((x) => x.label === d.label)?.unknownMinutes ?? 0) * 60)]), empty: "Every day at 100 %." },
        {
          head: ["downtime from", "to", "duration", "APIServerDown signals"],
          rows: r.downtime.map((p) => [time(p.start, z), time(p.end, z), duration(p.end - p.start), p.signals.join(", ") || "none (too short to page)"]),
          empty: "No downtime.",
        },
        { head: ["not observed from", "to", "duration"], rows: r.unobserved.map((p) => [time(p.start, z), time(p.end, z), duration(p.end - p.start)]), empty: "Every minute of the period was observed." },
      ],
      chart: "days",
    },
    {
      title: "Customer impact",
      paragraphs: [
        `Failed validations per tier and for the most affected licenses, and minutes in which their 5-minute error rate was above zero (5-minute resolution), as ${r.figuresFrom} recorded them (the replica that recorded the most of the period). ` +
          `Licenses are shown by a digest of the key (sha256, first 12 hex digits), never by the key.`,
      ],
      tables: [
        { head: ["tier", "failed validations", "minutes affected", "availability"], rows: r.impact.map((i) => [i.tier, String(i.failed), String(i.minutesAffected), percent(i.availability)]), empty: "No validations by tier recorded." },
        { head: ["license", "tier", "failed validations", "minutes affected"], rows: r.licenses.map((l) => [l.id, l.tier, String(l.failed), String(l.minutesAffected)]), empty: "No license had a validation fail, or the request counter has no license_key label (the metric contract has no per-license label on it; an API labelled as ADR-019 has)." },
      ],
    },
    {
      title: "Alert effectiveness",
      paragraphs: [
        `${r.incidents.opened} PagerDuty incident(s) opened (pages); ${r.incidents.joined} time(s) an alert fired into an incident already open, updating it without paging anyone. ` +
          `From Prometheus's ALERTS series${alertsFromTheManagedEvaluator(r)} (but for alerts of severity none, which notify nobody: the Watchdog and the inhibition sources). Receiver, Alertmanager groups, inhibit rules and which receivers deliver anything from ${r.routing}. ` +
          `A page is a PagerDuty incident opened: an alert opens one unless another alert of its Alertmanager group (one dedup_key) is firing, whose incident it joins. ` +
          `The uptime check pages through Cloud Monitoring, which Prometheus does not see: its incidents are not counted here. ` +
          `Business hours: Monday to Friday, ${r.businessHours.from}:00 to ${r.businessHours.to}:00 ${r.businessHours.zone}. ` +
          `Flapping: fired and resolved again within the rule's for:. ` +
          `Inhibited, silenced: fired while an inhibiting alert was firing, or a silence matched it, at every evaluation, so no notification went out. ` +
          `Reached no receiver: those, and every firing routed to a receiver without integration (marked "no integration"), which drops it.`,
        silencesNote(r),
      ],
      tables: [
        {
          head: ["alert", "severity", "receiver", "fired", "firing in all", "median", "pages (incidents opened)", "joined an open incident", "pages outside business hours", "flapping", "inhibited", "silenced", "reached no receiver"],
          rows: r.alerts.map((a) => [
            a.alertname,
            a.severity,
            a.receiverDelivers ? a.receiver : `${a.receiver} (no integration)`,
            String(a.fired),
            duration(a.firingSeconds),
            duration(a.medianSeconds),
            a.page ? String(a.incidentsOpened) : "–",
            a.page ? String(a.joinedOpenIncident) : "–",
            a.page ? String(a.pagesOutsideBusinessHours) : "–",
            String(a.flapping),
            String(a.inhibited),
            a.silenced === null ? "–" : String(a.silenced),
            String(a.undelivered),
          ]),
          empty: "No alert fired.",
        },
        ...(r.silences.checked
          ? [
              {
                head: ["silence", "matchers", "from", "to", "state", "created by", "comment", "silenced"],
                rows: r.silences.list.map((s) => [
                  s.id,
                  s.matchers,
                  time(s.startsAt, z),
                  time(s.endsAt, z),
                  s.state,
                  s.createdBy,
                  s.comment,
                  s.matched.map((m) => `${m.alertname} (${m.evaluations} evaluations)`).join(", ") || "no alert that fired",
                ]),
                empty: "No silence overlapped the month.",
              },
            ]
          : []),
      ],
      chart: "alerts",
    },
  ];
}

/** Where the alerts of the groups the stack places in the managed rule evaluator came from, if it places any. */
function alertsFromTheManagedEvaluator(r: Report): string {
  const names = r.managedEvaluatorAlerts;
  if (!names.length) return "";
  return `, and for ${names.join(", ")}, which this stack evaluates in Managed Service for Prometheus' rule evaluator, from that evaluator's ALERTS series in Monarch`;
}

function silencesNote(r: Report): string {
  const s = r.silences;
  if (!s.checked) return "Silences were not checked: no Alertmanager was given (--alertmanager or ALERTMANAGER_URL), so the silenced column shows –.";
  const retention =
    s.knownSince === undefined
      ? "All of the month is within the 120 h Alertmanager keeps a silence after it ends (its default --data.retention)."
      : `Alertmanager keeps a silence only for its --data.retention after it ends (120 h by default): silences that ended before ${time(s.knownSince, r.month.zone)} were no longer available, so firings before then may have been silenced without this report knowing.`;
  return `Silences from Alertmanager at ${s.alertmanager}, read at ${time(s.readAt, r.month.zone)}: ${s.list.length} overlapped the period. ${retention}`;
}

export const title = (r: Report) => `License API ${r.stack}: SLA and alert report, ${r.month.label} (${r.month.zone})`;
