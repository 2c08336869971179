// The API's own series count, bounded. Each scrape of a target stores at most
// licenseApi.scrapeLimits.samples samples (the ServiceMonitor's sampleLimit); past it, Prometheus
// fails the scrape whole: up is 0 and nothing of it is stored, while scrape_samples_scraped still
// reports what the target exported (Prometheus' scrape/scrape.go: the failed append's total is
// reported). Under ADR-019's labels every presented key is a label value, so a client guessing keys
// grows the series count without limit; the limit bounds what that costs Prometheus, and these alerts
// say so before and after it is reached. Neither pages: the API still serves (the outage rules page
// only when its health endpoint fails too), and a client can push the count at will, which must not
// be a way to wake someone.
import type { StackConfig } from "../config";
import { alert } from "./build";
import type { RuleGroup } from "./types";
import { panelUrl, roundFigure, selectors } from "../lib/identities";

export function cardinalityRules(c: StackConfig): RuleGroup {
  const { api } = selectors(c);
  const limit = c.licenseApi.scrapeLimits.samples;
  const s = c.alerts.apiSeries;
  const samples = `scrape_samples_scraped{${api}}`;
  return {
    name: "license-api.cardinality",
    interval: c.prometheus.evaluationInterval,
    rules: [
      // Growth is measured per target against its own value a window ago: a new pod (a new target)
      // has no such value and never counts as growth, a restarted one drops.
      alert(
        c,
        "APIMetricsSeriesGrowth",
        `max(${samples}) > ${roundFigure(s.nearLimit * limit)}
         or max(${samples} - ${samples} offset ${s.growthWindow}) > ${roundFigure(s.growth * limit)}`,
        {
          for: s.for,
          severity: "warning",
          summary: "The license API's series count grows abnormally",
          description: `A license API target exports {{ $value | humanize }} more samples than ${s.growthWindow} ago, or is above ${s.nearLimit * 100}% of the ${limit}-sample limit. Past the limit its scrapes fail whole (APIMetricsSampleLimit). Usually a client presenting random license keys, each a new series under ADR-019's labels.`,
          runbook: "apimetricsseriesgrowth",
          dashboard: panelUrl(c, "licenseApi", "validationFailures"),
        },
      ),
      alert(c, "APIMetricsSampleLimit", `max(${samples} > ${limit})`, {
        severity: "warning",
        summary: "License API scrapes fail: over the sample limit",
        description: `A license API target exports {{ $value | humanize }} samples, over the limit of ${limit}: its scrapes fail whole and store nothing, so the error, latency and burn-rate alerts are blind for it (outage detection still works: the health probe). The API itself still serves.`,
        runbook: "apimetricssamplelimit",
        dashboard: panelUrl(c, "licenseApi", "validationFailures"),
      }),
    ],
  };
}
