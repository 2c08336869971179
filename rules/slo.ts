// The 99.9 % availability SLO as multi-window, multi-burn-rate alerts (Google SRE workbook, ch. 5).
// The SLI counts validations the API failed to complete (license_validation_errors_total) against
// all validations; an invalid or revoked key is a correct answer, not an error. A dead or unreachable
// API reports no errors at all, so the time it could not answer (every health probe failing, or no
// /metrics target up or discoverable: the outage alert's two signals) counts wholly as failed; see
// sliBad in lib/identities.ts, the one definition the dashboard and the monthly report share.
import type { StackConfig } from "../config";
import { duration, seconds } from "../lib/duration";
import { alert, inhibitor, ownerMatchers, record } from "./build";
import { targetsJustVanished } from "./evidence";
import type { RuleGroup } from "./types";
import {
  BURN_RATES,
  errorBudget,
  INHIBITORS,
  panelUrl,
  roundFigure,
  selectors,
  SLI_SERIES,
  SLI_WINDOWS,
  sliBadExpr,
  sliRatio,
  sliObserved,
  sliUnavailable,
  sliUnavailableUnpaged,
  sliUnpagedRatio,
  SLO_NAME,
  type SliWindow,
} from "../lib/identities";

/** The burn-rate alerts that page: they read the SLI without the time an outage page already covers. */
const PAGING_BURNS = BURN_RATES.filter((b) => b.severity === "critical");
/** The windows those alerts compare. */
const UNPAGED_WINDOWS = [...new Set(PAGING_BURNS.flatMap((b) => [b.long, b.short]))] as SliWindow[];

export function sloRules(c: StackConfig): RuleGroup {
  const { api, probe } = selectors(c);
  const target = c.slo.availabilityTarget;
  const budget = errorBudget(c);
  const labels = { slo: SLO_NAME };
  const slo = `{slo="${SLO_NAME}"}`;
  // The 5m rates sum the per-tier series of rules/recording.ts, the only rules that read the raw
  // counters (a series per license under ADR-019's labels). Longer windows re-read these two series:
  // the ratio of summed rates is the traffic-weighted error ratio over the window, at a tiny fraction of
  // the cost of rate(...[3d]) over every license's series.
  const errors5m = record(SLI_SERIES.errors, "sum(tier:license_validation_errors:rate5m)", labels);
  const requests5m = record(SLI_SERIES.requests, "sum(tier:license_validation_requests:rate5m)", labels);
  // At each evaluation: 1 when the API cannot answer, 0 when it can, and no sample when this
  // Prometheus cannot tell (unknown time is neither the API's downtime nor its uptime, and the windows
  // below average the known time only). In order of the evidence:
  // - the probes of the health endpoint: every one fails (1), or one succeeds (0; an API whose scrapes
  //   fail, past the sample limit, while it answers its probes serves its customers);
  // - without probes (the blackbox exporter down or not scraped yet): the /metrics targets, all down
  //   (1) or one up (0);
  // - without either: targets that vanished a moment ago, or an unavailability this Prometheus recorded
  //   at its last evaluation and nothing has contradicted since (1). A Prometheus that has just started
  //   knows neither: it records nothing until its first probe or scrape.
  // A single failed probe is one evaluation of 1: a 15 s sliver of any window, far from any burn rate.
  const lastEvaluation = duration(2 * seconds(c.prometheus.evaluationInterval));
  const unavailable = record(
    SLI_SERIES.unavailable,
    `(max(probe_success{${probe}}) == bool 0)
      or (max(up{${api}}) == bool 0)
      or ((${targetsJustVanished(c)} or max(max_over_time(${SLI_SERIES.unavailable}${slo}[${lastEvaluation}])) == 1) * 0 + 1)`,
    labels,
  );
  // No validations in the window: no request error ratio (rather than 0/0), counted as none failed.
  const requestErrors = (w: SliWindow) =>
    w === "5m"
      ? `${SLI_SERIES.errors}${slo} / (${SLI_SERIES.requests}${slo} > 0)`
      : `sum_over_time(${SLI_SERIES.errors}${slo}[${w}]) / (sum_over_time(${SLI_SERIES.requests}${slo}[${w}]) > 0)`;
  const windows = [...SLI_WINDOWS, c.slo.window].flatMap((w) => [
    record(sliUnavailable(w), `avg_over_time(${SLI_SERIES.unavailable}${slo}[${w}])`, labels),
    record(sliRatio(w), sliBadExpr(`${sliUnavailable(w)}${slo}`, requestErrors(w)), labels),
  ]);
  const perWindow = (w: SliWindow) => seconds(w) / seconds(c.prometheus.evaluationInterval);
  // How much of the SLO window the averages above rest on, for the SLO dashboard's "not observed":
  // counted here, once an evaluation, rather than by the panel, which would count the whole window
  // over again at every step of its chart in the long-term store (docs/grafana.md, long-range panels).
  const observed = record(sliObserved(c.slo.window), `count_over_time(${SLI_SERIES.unavailable}${slo}[${c.slo.window}]) / ${perWindow(c.slo.window)}`, labels);
  // The time APIServerDown already pages for is left out of what the paging burn-rate alerts read: the
  // outage is one event, paged once, not again through the budget it burnt (the ticket-level alerts
  // and the budget itself still count it). What remains is unavailability no page announced (outages
  // shorter than the outage alert's for:, its first evaluations) and failed validations.
  const outagePaged = `ALERTS{alertname="APIServerDown", alertstate="firing", ${ownerMatchers()}}`;
  const unavailableUnpaged = record(
    SLI_SERIES.unavailableUnpaged,
    `(${SLI_SERIES.unavailable}${slo} unless on () ${outagePaged}) or ${SLI_SERIES.unavailable}${slo} * 0`,
    labels,
  );
  // Shares of the whole window, not of the part this replica recorded: time it could not tell (just
  // started, restarted, on a new volume) counts as answered here. Then the few evaluations a young
  // replica has recorded are not taken for the burn of a whole hour, and a page needs the bad time a
  // page is about. (The budget, the dashboard and the report keep unknown time apart instead.)
  // Failed validations alike: the window's failures over the validations a whole window holds at the
  // rate recorded, as if the time not recorded had been served without failures. Ten minutes of 2 %
  // failures are 0.33 % of an hour on a replica up for hours and on one started ten minutes ago.
  const requestErrorsOfWindow = (w: SliWindow) =>
    w === "5m"
      ? requestErrors(w)
      : `sum_over_time(${SLI_SERIES.errors}${slo}[${w}]) / ${perWindow(w)} / (avg_over_time(${SLI_SERIES.requests}${slo}[${w}]) > 0)`;
  const unpagedWindows = UNPAGED_WINDOWS.flatMap((w) => [
    record(sliUnavailableUnpaged(w), `sum_over_time(${SLI_SERIES.unavailableUnpaged}${slo}[${w}]) / ${perWindow(w)}`, labels),
    record(sliUnpagedRatio(w), sliBadExpr(`${sliUnavailableUnpaged(w)}${slo}`, requestErrorsOfWindow(w)), labels),
  ]);
  const burns = BURN_RATES.map((b) => {
    const threshold = roundFigure(b.factor * budget);
    const paging = b.severity === "critical";
    const ratio = paging ? sliUnpagedRatio : sliRatio;
    return alert(
      c,
      "ErrorBudgetBurn",
      `${ratio(b.long)}{slo="${SLO_NAME}"} > ${threshold} and ${ratio(b.short)}{slo="${SLO_NAME}"} > ${threshold}`,
      {
        for: b.for,
        severity: b.severity,
        summary: `License validation error budget burning ${b.factor}x too fast`,
        description: `Over the last ${b.long} (and ${b.short}) {{ $value | humanizePercentage }} of license validations failed or the API could not answer${paging ? " (outside outages APIServerDown paged for)" : ""}; at ${b.factor}x the ${c.slo.window} budget of ${roundFigure(budget * 100)}% lasts ${roundFigure(Number(c.slo.window.replace("d", "")) / b.factor)} days.`,
        runbook: "errorbudgetburn",
        dashboard: panelUrl(c, "slo", "burnRates"),
        labels: { ...labels, burn_rate: `${b.factor}x`, long_window: b.long, short_window: b.short },
      },
    );
  });
  return {
    name: "license-api.slo",
    interval: c.prometheus.evaluationInterval,
    rules: [
      errors5m,
      requests5m,
      unavailable,
      ...windows,
      observed,
      unavailableUnpaged,
      ...unpagedWindows,
      record("slo:objective:ratio", `vector(${target})`, labels),
      record("slo:error_budget:remaining_ratio", `1 - ${sliRatio(c.slo.window)}{slo="${SLO_NAME}"} / ${budget}`, labels),
      ...burns,
      inhibitor(c, INHIBITORS.budgetPage, 'alertname="ErrorBudgetBurn", severity="critical"', "a paging ErrorBudgetBurn"),
      // On the recorded per-status rate (a few series), not the raw counter: absent() over the raw
      // counter reads every license's series at every evaluation.
      alert(c, "SLIMetricsAbsent", "absent(status_tier:license_validation_requests:rate5m)", {
        for: "5m",
        severity: "warning",
        summary: "The license API exports no validation metrics",
        description: "license_validation_requests_total is absent (or has no rate): the SLO and every burn-rate alert are blind. A dead API exports nothing, so this also fires during an outage (where APIServerDown inhibits it).",
        runbook: "slimetricsabsent",
        labels: { job: c.licenseApi.job },
      }),
    ],
  };
}
