// The GCP Uptime Check on the license API's public health URL and the alert condition on it: pure
// functions of the stack config, wrapped in resources by components/uptime.ts.
import type { StackConfig } from "../config";
import { seconds } from "../lib/duration";

/** The alert fires when at least this many checker regions fail at once (one flaky region never pages). */
export const MIN_FAILING_REGIONS = 2;
export const RUNBOOK_ANCHOR = "uptimecheckfailed";

export interface UptimeCheckSpec {
  displayName: string;
  host: string;
  path: string;
  port: number;
  period: string;
  /** Seconds, as the API wants them ("10s"). */
  timeout: string;
  regions: string[];
  content: string;
}

export function uptimeCheckSpec(c: StackConfig): UptimeCheckSpec {
  const url = new URL(c.licenseApi.publicUrl);
  return {
    displayName: `License API health (${c.environment})`,
    host: url.hostname,
    path: c.uptime.path,
    port: url.port ? Number(url.port) : 443,
    period: c.uptime.period,
    timeout: `${seconds(c.uptime.timeout)}s`,
    regions: [...c.uptime.regions],
    content: c.uptime.contentMatcher,
  };
}

export function checkPassedFilter(checkId: string): string {
  return [
    `metric.type="monitoring.googleapis.com/uptime_check/check_passed"`,
    `metric.label.check_id=${JSON.stringify(checkId)}`,
    `resource.type="uptime_url"`,
  ].join(" AND ");
}

/**
 * Counts, per checked host, the regions whose latest check failed (ALIGN_NEXT_OLDER takes each region's
 * most recent result within the alignment window; REDUCE_COUNT_FALSE counts the failures) and fires when
 * more than MIN_FAILING_REGIONS - 1 fail for one check period.
 */
export function uptimeAlertCondition<F>(filter: F, c: StackConfig) {
  return {
    displayName: `Uptime check failing from ${MIN_FAILING_REGIONS}+ regions`,
    conditionThreshold: {
      filter,
      comparison: "COMPARISON_GT",
      thresholdValue: MIN_FAILING_REGIONS - 1,
      duration: c.uptime.period,
      trigger: { count: 1 },
      aggregations: [
        {
          // A lookback window: long enough that every region has reported at least once.
          alignmentPeriod: "1200s",
          perSeriesAligner: "ALIGN_NEXT_OLDER",
          crossSeriesReducer: "REDUCE_COUNT_FALSE",
          groupByFields: ["resource.label.project_id", "resource.label.host"],
        },
      ],
    },
  };
}

export function runbookUrl(c: StackConfig): string {
  return `${c.alerts.runbookBaseUrl}#${RUNBOOK_ANCHOR}`;
}

export function uptimeAlertDocumentation(c: StackConfig) {
  const spec = uptimeCheckSpec(c);
  return {
    mimeType: "text/markdown",
    subject: `[${c.environment}] License API unreachable from outside (UptimeCheckFailed)`,
    content: [
      `## UptimeCheckFailed (${c.environment})`,
      "",
      `\`https://${spec.host}${spec.path}\` failed its Cloud Monitoring uptime check from at least ${MIN_FAILING_REGIONS} regions.`,
      "In-cluster probes cannot see this failure mode: the whole cluster, its ingress, DNS or TLS may be down.",
      "",
      `Runbook: [UptimeCheckFailed](${runbookUrl(c)})`,
    ].join("\n"),
    links: [{ displayName: "Runbook: UptimeCheckFailed", url: runbookUrl(c) }],
  };
}
