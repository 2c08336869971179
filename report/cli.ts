// npm run report -- --stack prod --month 2026-11 [--prometheus URL ...] [--replica-label NAME] [--managed-prometheus URL] [--alertmanager URL] [--out DIR] [--timezone TZ]
//
// Writes <out>/<stack>-<month>.{html,md,json}: the month's SLA per tier, customer impact and alert
// effectiveness, from any Prometheus-compatible query API: one per Prometheus replica (--prometheus
// given once for each), or one holding every replica's series told apart by a label (--replica-label),
// or a long-term store that deduplicates them; of a store holding several environments' series, the
// stack's own (replicas.ts). The alerts of rule groups the stack places in Managed Service for
// Prometheus' rule evaluator come from its query API (--managed-prometheus, managed.ts). Nothing is
// written unless every query succeeded; exit codes in errors.ts.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { StackConfig } from "../config";
import { SLI_SERIES } from "../lib/identities";
import { isStackName, STACKS } from "../lib/stack-file";
import { stackConfigForRender } from "../render/cli";
import { readAlertmanager, type AlertmanagerView } from "./alertmanager";
import { computeReport, type Report } from "./compute";
import { fetchMonth, queryCount } from "./data";
import { EXIT, ReportError } from "./errors";
import { renderHtml } from "./html";
import { checkManagedSource } from "./managed";
import { renderMarkdown } from "./markdown";
import { monthPeriod, resolveMonth } from "./month";
import { authHeaders, prometheusClient } from "./prometheus";
import { replicasOf } from "./replicas";
import { renderedRouting, routingOf } from "./routing";

export const DEFAULT_PROMETHEUS = "http://127.0.0.1:9090";

const USAGE = `usage: npm run report -- --stack <${STACKS.join("|")}> --month YYYY-MM|previous [--prometheus URL ...] [--replica-label NAME] [--managed-prometheus URL] [--alertmanager URL] [--out DIR] [--timezone TZ]
  --month         the month to report; previous: the one before the month running in --timezone
  --prometheus    query API base URL, once per Prometheus replica (default $PROMETHEUS_URL, else ${DEFAULT_PROMETHEUS})
  --replica-label the label telling the replicas' series apart in one query API (a store that keeps them all)
  --managed-prometheus
                  Managed Service for Prometheus' query API of the stack's project, for the alerts of the groups the stack
                  places in its rule evaluator (alerts.perLicense.evaluator: managed; default $MANAGED_PROMETHEUS_URL, else none)
  --alertmanager  Alertmanager base URL, for its silences and running config (default $ALERTMANAGER_URL, else none: silences not checked)
  --out           folder for <stack>-<month>.html, .md and .json (default reports)
  --timezone      IANA time zone of the month's boundaries and of times shown (default UTC)
  auth: PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD;
        MANAGED_PROMETHEUS_BEARER_TOKEN (a Google access token: gcloud auth print-access-token);
        ALERTMANAGER_BEARER_TOKEN, or ALERTMANAGER_USERNAME and ALERTMANAGER_PASSWORD`;

export interface Options {
  stack: string;
  month: string;
  /** One query API per replica, or one holding every replica's series. */
  prometheus: string[];
  replicaLabel?: string;
  /** Managed Service for Prometheus' query API, for the alerts of the groups its rule evaluator runs. */
  managedPrometheus?: string;
  alertmanager?: string;
  out: string;
  timezone: string;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        month: { type: "string" },
        prometheus: { type: "string", multiple: true },
        "replica-label": { type: "string" },
        "managed-prometheus": { type: "string" },
        alertmanager: { type: "string" },
        out: { type: "string" },
        timezone: { type: "string" },
      },
      strict: true,
    }));
  } catch (e) {
    throw new ReportError(`${(e as Error).message}\n${USAGE}`, EXIT.usage);
  }
  if (!values.stack || !isStackName(values.stack)) throw new ReportError(`--stack must be one of ${STACKS.join(", ")}\n${USAGE}`, EXIT.usage);
  if (!values.month) throw new ReportError(`--month is required\n${USAGE}`, EXIT.usage);
  if (values["replica-label"] && (values.prometheus?.length ?? 0) > 1) throw new ReportError(`--replica-label tells replicas apart in one query API: give --prometheus once with it\n${USAGE}`, EXIT.usage);
  const timezone = values.timezone ?? "UTC";
  return {
    stack: values.stack,
    month: resolveMonth(values.month, timezone),
    prometheus: values.prometheus?.filter(Boolean).length ? values.prometheus.filter(Boolean) : [env.PROMETHEUS_URL || DEFAULT_PROMETHEUS],
    ...(values["replica-label"] ? { replicaLabel: values["replica-label"] } : {}),
    managedPrometheus: values["managed-prometheus"] || env.MANAGED_PROMETHEUS_URL || undefined,
    alertmanager: values.alertmanager || env.ALERTMANAGER_URL || undefined,
    out: values.out ?? "reports",
    timezone,
  };
}

function writeAtomically(file: string, content: string) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Where a run's time went, in seconds, for the timing table the command prints. */
export interface Timings {
  queries: number;
  querySeconds: number;
  renderSeconds: number;
}

/** `config`: the stack's config, when another than its stack file's (a variant of it). */
export async function runReport(o: Options, env: NodeJS.ProcessEnv, progress: (line: string) => void, config?: StackConfig): Promise<{ report: Report; files: string[]; timings: Timings }> {
  if (!isStackName(o.stack)) throw new ReportError(`unknown stack ${o.stack}`, EXIT.usage);
  const c = config ?? stackConfigForRender(o.stack);
  checkManagedSource(c, o.stack, o.managedPrometheus);
  const month = monthPeriod(o.month, o.timezone);
  const where = `${[...o.prometheus, ...(o.managedPrometheus ? [o.managedPrometheus] : [])].join(", ")}${o.alertmanager ? ` and ${o.alertmanager}` : ""}`;
  let done = 0;
  let total = 0;
  const tick = () => progress(`querying ${where}: ${++done}/${total}`);
  const apis = o.prometheus.map((url) => prometheusClient(url, env, "PROMETHEUS", tick));
  const managed = o.managedPrometheus ? prometheusClient(o.managedPrometheus, env, "MANAGED_PROMETHEUS", tick) : undefined;
  const queried = performance.now();
  const replicas = await replicasOf(
    apis.map((api, i) => ({ url: o.prometheus[i], api })),
    c.environment,
    month,
    `${o.month} (${o.timezone})`,
    o.replicaLabel,
  );
  total = done + queryCount(month, replicas.length, managed !== undefined) + (o.alertmanager ? 2 : 0);
  progress(`querying ${where}: ${done}/${total}`);
  const [data, am] = await Promise.all([
    replicas.length ? fetchMonth(c, month, replicas, managed) : undefined,
    o.alertmanager ? readAlertmanager(o.alertmanager, authHeaders(env, "ALERTMANAGER"), tick) : Promise.resolve<AlertmanagerView | undefined>(undefined),
  ]);
  if (!data || data.days.every((d) => d.states.every((x) => x === "unknown")))
    throw new ReportError(`no samples of the SLI (${SLI_SERIES.unavailable}) in ${o.month} (${o.timezone}) at ${o.prometheus.join(", ")}: wrong Prometheus, or the month is older than its retention`, EXIT.noData);
  const rendering = performance.now();
  const routing = am ? routingOf(am.config, `the configuration Alertmanager at ${am.url} runs`) : renderedRouting(c);
  const report = computeReport(c, o.stack, month, data, routing, am);
  const base = path.join(o.out, `${o.stack}-${o.month}`);
  const outputs: [string, string][] = [
    [`${base}.html`, renderHtml(report)],
    [`${base}.md`, renderMarkdown(report)],
    [`${base}.json`, `${JSON.stringify(report, null, 2)}\n`],
  ];
  fs.mkdirSync(o.out, { recursive: true });
  for (const [file, content] of outputs) writeAtomically(file, content);
  const timings = { queries: done, querySeconds: (rendering - queried) / 1000, renderSeconds: (performance.now() - rendering) / 1000 };
  return { report, files: outputs.map(([f]) => f), timings };
}

async function main() {
  const tty = process.stderr.isTTY;
  const progress = (line: string) => (tty ? process.stderr.write(`\r${line}`) : undefined);
  try {
    const o = parseOptions(process.argv.slice(2), process.env);
    const { report, files, timings: t } = await runReport(o, process.env, progress);
    if (tty) process.stderr.write("\n");
    const r = report.overall;
    console.log(`${o.stack} ${o.month}: availability ${(r.availability * 100).toFixed(3)} % (SLA ${r.met ? "met" : "missed"})`);
    for (const f of files) console.log(`  ${f}`);
    console.log(
      [
        "| step | requests | seconds |",
        "| --- | ---: | ---: |",
        `| queries${o.alertmanager ? " and Alertmanager" : ""} | ${t.queries} | ${t.querySeconds.toFixed(2)} |`,
        `| figures and rendering | | ${t.renderSeconds.toFixed(2)} |`,
        `| whole command, start-up included | | ${process.uptime().toFixed(2)} |`,
      ].join("\n"),
    );
  } catch (e) {
    if (tty) process.stderr.write("\n");
    const code = e instanceof ReportError ? e.exitCode : EXIT.failed;
    console.error(`report: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(code);
  }
}

if (require.main === module) void main();
