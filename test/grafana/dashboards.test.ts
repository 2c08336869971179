// The dashboards as Grafana will load them, for both stacks: every query parses and reads metrics that
// exist, every panel is of a current type and names a data source this stack creates, the panels
// alerts link to carry the ids the alerts use, and thresholds are the alerts' thresholds.
import { allPanels, LICENSE_FILTER_OFF, type DashboardModel } from "../../dashboards/common";
import { dashboardJson, dataSources, renderDashboards } from "../../dashboards";
import { DASHBOARDS, type DashboardKey } from "../../lib/identities";
import { jaegerSearchUrl, SPAN_METRICS } from "../../dashboards/tracing";
import { ENVIRONMENT_LABEL, longRangePanelSeries, longTermSeries } from "../../lib/long-term";
import { STACKS } from "../../lib/stack-file";
import { renderArtifacts } from "../../render/artifacts";
import { entryCollectorConfig } from "../../render/collector-config";
import { isAlert, allRuleGroups } from "../../rules";
import { METRIC_CONTRACT, seriesNames } from "../../rules/metric-contract";
import { promQueries, variableDefaults, type Target } from "./dashboard-queries";
import { isAggregated, parsePromql, substitute, unaggregatedQuantiles } from "./promql";
import { testStackConfig } from "../stack-config";

type AnyPanel = ReturnType<typeof allPanels>[number];

describe.each(STACKS)("%s dashboards", (stack) => {
  const c = testStackConfig(stack);
  const built = renderDashboards(c);
  const byKey = Object.fromEntries(built.map((d) => [d.key, d.model])) as Record<DashboardKey, DashboardModel>;
  const ds = dataSources(c);
  const rules = allRuleGroups(c).flatMap((g) => g.rules);
  const recorded = new Set(rules.flatMap((r) => (isAlert(r) ? [] : [r.record])));
  const spanMetrics = [SPAN_METRICS.calls, SPAN_METRICS.durationBucket];
  const known = new Set([...METRIC_CONTRACT.flatMap(seriesNames), ...recorded, ...spanMetrics]);

  // Series with one series per license: raw metrics with a license label under either scheme, and rules that keep it.
  const perLicense = new Set(METRIC_CONTRACT.filter((m) => [...m.labels, ...(m.adrLabels ?? [])].some((l) => l === "license_key" || l === "license_id")).flatMap(seriesNames));
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of rules) {
      if (isAlert(r) || perLicense.has(r.record)) continue;
      // An aggregation without a by clause at the top (sum(...), max(...) or ...) keeps no license, whatever it reads.
      const aggregatedAway = /^(sum|max|min|avg|count|quantile)\b/.test(r.expr) && !/^\w+\s+by\s*\([^)]*license_(key|id)/.test(r.expr);
      const keeps = !aggregatedAway && (/by \([^)]*license_(key|id)/.test(r.expr) || [...perLicense].some((m) => new RegExp(`\\b${m}\\b`).test(r.expr)));
      if (keeps) {
        perLicense.add(r.record);
        changed = true;
      }
    }
  }

  test("one dashboard per key of lib/identities.ts, with its fixed uid, unique per environment", () => {
    expect(built.map((d) => d.key).sort()).toEqual(Object.keys(DASHBOARDS).sort());
    for (const d of built) {
      expect(d.model.uid).toBe(`${DASHBOARDS[d.key].uid}-${c.environment}`);
      expect(d.model.uid!.length).toBeLessThanOrEqual(40);
      expect(d.model.title).toContain(`(${c.environment})`);
    }
  });

  test("the panels alerts link to carry the ids lib/identities.ts gives them; panel ids are unique", () => {
    for (const d of built) {
      const ids = (d.model.panels ?? []).flatMap((p) => [p.id, ...(p.type === "row" ? (p as { panels: { id?: number }[] }).panels.map((q) => q.id) : [])]);
      expect(ids.every((id) => typeof id === "number")).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      for (const [name, id] of Object.entries(DASHBOARDS[d.key].panels)) {
        const panel = allPanels(d.model).find((p) => p.id === id);
        expect({ panel: name, found: panel !== undefined }).toEqual({ panel: name, found: true });
      }
    }
  });

  test("every alert's dashboard link opens a panel that exists", () => {
    const links = rules.flatMap((r) => (isAlert(r) && r.annotations.dashboard ? [r.annotations.dashboard] : []));
    expect(links.length).toBeGreaterThan(5);
    for (const link of links) {
      const m = new RegExp(`^${c.grafana.url.replace(/\/$/, "")}/d/([^?]+)\\?viewPanel=(\\d+)$`).exec(link);
      expect(m).not.toBeNull();
      const model = built.find((d) => d.uid === m![1])?.model;
      expect(model).toBeDefined();
      expect(allPanels(model!).map((p) => p.id)).toContain(Number(m![2]));
    }
  });

  test("no panel of a removed type (graph, singlestat, table-old); only current visualisations", () => {
    for (const d of built) {
      for (const p of d.model.panels ?? []) expect(["timeseries", "stat", "gauge", "row"]).toContain(p.type);
      for (const p of allPanels(d.model)) expect(["graph", "singlestat", "table-old", "row"]).not.toContain(p.type);
    }
  });

  // One Grafana organisation holds both environments' data sources and the long-term store. A panel
  // that lets its reader pick one would go empty on the long-term store (it keeps only what the
  // remote write sends) or answer for the other cluster; each panel names its own instead.
  test("every panel, query and variable names a data source of this environment by its uid, with no choice of another", () => {
    const mine = Object.values(ds).map((d) => d.uid);
    for (const d of built) {
      expect((d.model.templating?.list ?? []).filter((v) => v.type === "datasource")).toEqual([]);
      const refs = [
        ...allPanels(d.model).flatMap((p) => [p.datasource, ...((p.targets ?? []) as Target[]).map((t) => t.datasource)]),
        ...(d.model.templating?.list ?? []).filter((v) => v.type === "query").map((v) => v.datasource),
      ];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(mine).toContain(ref?.uid);
    }
  });

  // The environment is an external label: Prometheus adds it to what leaves the cluster, and its own
  // queries never see it. A query is right for its data source only with the selector that source needs.
  test("in-cluster queries never select by the environment label; every selector on the long-term store does", () => {
    const env = new RegExp(`\\b${ENVIRONMENT_LABEL}\\s*=`);
    const own = `${ENVIRONMENT_LABEL}="${c.environment}"`;
    for (const q of built.flatMap((d) => promQueries(d.model))) {
      const selectors = parsePromql(q.expr).selectors.map((s) => q.expr.slice(s.node.from, s.node.to));
      if (q.datasource === ds.longTerm.uid) for (const s of selectors) expect({ where: q.where, s, own: s.includes(own) }).toEqual({ where: q.where, s, own: true });
      else expect({ where: q.where, datasource: q.datasource, environment: env.test(q.expr) }).toEqual({ where: q.where, datasource: ds.prometheus.uid, environment: false });
    }
  });

  test("every query has a refId, unique in its panel; every panel has a unit, a description and thresholds", () => {
    for (const d of built) {
      for (const p of allPanels(d.model) as AnyPanel[]) {
        const refIds = ((p.targets ?? []) as Target[]).map((t) => t.refId);
        expect(refIds.length).toBeGreaterThan(0);
        expect(refIds.every((r) => typeof r === "string" && r.length > 0)).toBe(true);
        expect(new Set(refIds).size).toBe(refIds.length);
        expect(p.fieldConfig?.defaults?.unit).toMatch(/\S/);
        expect(p.description).toMatch(/\S/);
        expect(p.fieldConfig?.defaults?.thresholds?.steps?.[0]).toMatchObject({ value: null });
      }
    }
  });

  test("time series panels show their legend", () => {
    for (const d of built) {
      for (const p of allPanels(d.model) as AnyPanel[]) {
        if (p.type === "timeseries") expect(p.options.legend.showLegend).toBe(true);
      }
    }
  });

  test("one unit per axis: a second unit in a panel has an axis of its own, and no legend repeats its axis' unit", () => {
    type Override = { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] };
    const perSecond = (unit: string) => /ps$|^ops$/.test(unit);
    const percent = (unit: string) => /^percent/.test(unit);
    for (const d of built) {
      for (const p of allPanels(d.model) as AnyPanel[]) {
        const defaultUnit = p.fieldConfig?.defaults?.unit ?? "";
        const overrides = (p.fieldConfig?.overrides ?? []) as Override[];
        const unitOf = new Map(overrides.flatMap((o) => o.properties.filter((x) => x.id === "unit").map((x) => [o.matcher.options, x.value as string] as const)));
        for (const o of overrides.filter((o) => o.properties.some((x) => x.id === "unit"))) {
          expect({ panel: p.title, matcher: o.matcher.id, axis: o.properties.find((x) => x.id === "custom.axisPlacement")?.value }).toEqual({ panel: p.title, matcher: "byFrameRefID", axis: "right" });
        }
        // Two axes at most: the panel's unit on the left, one other on the right.
        expect(new Set(unitOf.values()).size).toBeLessThanOrEqual(1);
        for (const t of (p.targets ?? []) as Target[]) {
          const unit = unitOf.get(t.refId ?? "") ?? defaultUnit;
          const legend = (t as { legendFormat?: string }).legendFormat ?? "";
          if (perSecond(unit)) expect({ panel: p.title, legend, repeats: /\/s\b|per second/.test(legend) }).toMatchObject({ repeats: false });
          if (percent(unit)) expect({ panel: p.title, legend, repeats: /%/.test(legend) }).toMatchObject({ repeats: false });
        }
      }
    }
    // Sessions (hundreds) and denials per second (units) share a panel: the denials have the right axis.
    const sessions = allPanels(byKey.licenseApi).find((p) => p.id === DASHBOARDS.licenseApi.panels.activeSessions) as AnyPanel;
    const denials = ((sessions.targets ?? []) as Target[]).find((t) => t.expr?.includes("seat_denials"))!;
    expect(sessions.fieldConfig?.defaults?.unit).toBe("short");
    expect(sessions.fieldConfig?.overrides).toEqual([
      { matcher: { id: "byFrameRefID", options: denials.refId }, properties: [{ id: "unit", value: "reqps" }, { id: "custom.axisPlacement", value: "right" }] },
    ]);
  });

  test("every PromQL query parses (template variables substituted) and reads only known metrics", () => {
    const queries = built.flatMap((d) => promQueries(d.model));
    expect(queries.length).toBeGreaterThan(30);
    for (const q of queries) {
      const parsed = parsePromql(q.expr);
      expect({ where: q.where, errors: parsed.errors }).toEqual({ where: q.where, errors: [] });
      expect(parsed.metrics.length).toBeGreaterThan(0);
      for (const metric of parsed.metrics) expect({ where: q.where, metric, known: known.has(metric) }).toEqual({ where: q.where, metric, known: true });
      expect({ where: q.where, bad: unaggregatedQuantiles(parsed) }).toEqual({ where: q.where, bad: [] });
    }
  });

  // The remote write sends only what lib/long-term.ts lists: a panel on the long-term store reading
  // any other series would be empty in Grafana.
  test("every query on the long-term store reads only series the remote write sends", () => {
    const onLongTerm = built.flatMap((d) => promQueries(d.model)).filter((q) => q.datasource === ds.longTerm.uid);
    expect(onLongTerm.length).toBeGreaterThan(3);
    const sent = new Set(longTermSeries(c).map((s) => s.name));
    const read = onLongTerm.flatMap((q) => parsePromql(q.expr).metrics.map((metric) => ({ where: q.where, metric })));
    expect(read.filter((r) => !sent.has(r.metric))).toEqual([]);
    expect([...new Set(read.map((r) => r.metric))].sort()).toEqual([...new Set(longRangePanelSeries(c))].sort());
  });

  test("the dashboards read the recording rules where they exist", () => {
    const read = new Set(built.flatMap((d) => promQueries(d.model)).flatMap((q) => parsePromql(q.expr).metrics));
    for (const rule of [
      "tier:license_validation_requests:rate5m",
      "tier:license_validation_error_ratio:rate5m",
      "license_validation_latency_seconds:p95_5m",
      "license_seats:seat_utilisation:max",
      "slo:error_budget:remaining_ratio",
      "operation_status:redis_operations:rate5m",
      "table:database_query_latency_seconds:p95_5m",
    ]) {
      expect(read).toContain(rule);
    }
    // The raw histograms the recording rules already aggregate are never re-read.
    for (const raw of ["license_validation_latency_seconds_bucket", "redis_latency_seconds_bucket", "database_query_latency_seconds_bucket"]) {
      expect(read).not.toContain(raw);
    }
  });

  test("default views never fan out per license: per-license series are always aggregated away", () => {
    for (const d of built) {
      for (const q of promQueries(d.model)) {
        const parsed = parsePromql(q.expr);
        for (const s of parsed.selectors.filter((s) => perLicense.has(s.metric))) {
          expect({ where: q.where, metric: s.metric, aggregated: isAggregated(s.node) }).toEqual({ where: q.where, metric: s.metric, aggregated: true });
        }
        // Grouping by license inside an aggregation that drops it again (max(max by (license_key) ...)) fans nothing out.
        for (const labels of parsed.outerByLabels) for (const license of ["license_key", "license_id"]) expect(labels).not.toEqual(expect.arrayContaining([license]));
        for (const labels of parsed.outerByLabels) expect(labels).not.toEqual(expect.arrayContaining(["tenant_id"]));
        expect(parsed.withoutCount).toBe(0);
        expect(q.legend ?? "").not.toMatch(/license_key|license_id|tenant_id/);
      }
    }
  });

  // Prometheus refuses a query that would load more than --query.max-samples (50M by default) at once;
  // a range query loads every point of every series it selects. At a million licenses, a per-license
  // series over a 6-hour chart is over a billion points: only the collapsed "Selected license" row,
  // which runs when opened and narrowed by the license filter, may read one; instant queries read one
  // point per series.
  test("at a million licenses every panel's default 6-hour view loads at most 50M samples; per-license series only in the collapsed row", () => {
    const LICENSES = 1_000_000;
    const MAX_SAMPLES = 50_000_000;
    // The finest step Grafana sends: the data source's timeInterval, the scrape interval (15 s).
    const points = (6 * 3600) / 15 + 1;
    // Every other selector reads series bounded by tiers, pods, operations or tables: a thousand at most.
    const OTHER_SERIES = 1_000;
    let perLicenseReads = 0;
    for (const d of built) {
      const shown = (d.model.panels ?? []).filter((p) => p.type !== "row");
      const collapsed = (d.model.panels ?? []).filter((p) => p.type === "row" && (p as { collapsed?: boolean }).collapsed);
      for (const p of shown as AnyPanel[]) {
        for (const t of ((p.targets ?? []) as (Target & { instant?: boolean })[]).filter((x) => x.expr !== undefined)) {
          const parsed = parsePromql(substitute(t.expr!, variableDefaults(d.model)));
          const samples = parsed.metrics.reduce((n, m) => n + (perLicense.has(m) ? LICENSES : OTHER_SERIES) * (t.instant ? 1 : points), 0);
          expect({ where: `${d.uid} panel ${p.id} ${t.refId}`, samples, within: samples <= MAX_SAMPLES }).toEqual({ where: `${d.uid} panel ${p.id} ${t.refId}`, samples, within: true });
        }
      }
      perLicenseReads += collapsed.flatMap((r) => (r as { panels: AnyPanel[] }).panels).flatMap((p) => (p.targets ?? []) as Target[]).filter((t) => parsePromql(t.expr!).metrics.some((m) => perLicense.has(m))).length;
    }
    // The selected licenses' views are still there, in the collapsed row.
    expect(perLicenseReads).toBeGreaterThan(0);
  });

  test("the license filter is a text box, off (.*) by default; tier and instance default to All", () => {
    const vars = byKey.licenseApi.templating!.list!;
    const license = vars.find((v) => v.name === "license")!;
    expect(license.type).toBe("textbox");
    expect(license.current?.value).toBe(LICENSE_FILTER_OFF);
    for (const name of ["tier", "instance"]) {
      const v = vars.find((x) => x.name === name)!;
      expect(v).toMatchObject({ type: "query", includeAll: true, allValue: ".*", current: { value: "$__all" } });
    }
  });

  test("thresholds are the alerts' thresholds", () => {
    const t = c.alerts;
    const steps = (key: DashboardKey, panel: number) =>
      (allPanels(byKey[key]).find((p) => p.id === panel) as AnyPanel).fieldConfig!.defaults.thresholds!.steps.map((s) => s.value);
    const P = DASHBOARDS;
    expect(steps("licenseApi", P.licenseApi.panels.latency)).toContain(t.latencyP95Seconds.threshold);
    expect(steps("licenseApi", P.licenseApi.panels.errorRatio)).toContain(t.errorRate.threshold);
    expect(steps("licenseApi", P.licenseApi.panels.seatUtilisation)).toContain(t.seatUtilisation.threshold);
    expect(steps("dependencies", P.dependencies.panels.redisErrors)).toContain(t.redisErrorsPerSecond.threshold);
    expect(steps("dependencies", P.dependencies.panels.databaseLatency)).toContain(t.databaseP95Seconds.threshold);
    expect(steps("capacity", P.capacity.panels.cpu)).toContain(t.cpuUtilisation.threshold);
    expect(steps("capacity", P.capacity.panels.memory)).toContain(t.memoryUtilisation.threshold);
    expect(steps("capacity", P.capacity.panels.seatForecast)).toEqual([null, t.seatUtilisation.threshold, 1]);
    expect(steps("slo", P.slo.panels.availability)).toContain(c.slo.availabilityTarget);
    expect(steps("slo", P.slo.panels.burnRates)).toEqual([null, 1, 3, 6, 14.4]);
  });

  test("seat utilisation is measured against each license's own limit, never a hard-coded number", () => {
    const seat = allPanels(byKey.licenseApi).find((p) => p.id === DASHBOARDS.licenseApi.panels.seatUtilisation)!;
    expect(seat.title).toContain("its own seat limit");
    const exprs = built.flatMap((d) => promQueries(d.model)).map((q) => q.expr);
    // Only ADR-019's sessions, which come with no limit, are divided by a number: the configured one.
    const divided = exprs.flatMap((e) => [...e.matchAll(/(active_sessions\{[^}]*\}\)\)?)\s*\/\s*(\d+)/g)].map((m) => ({ selector: m[1], by: Number(m[2]) })));
    expect(divided.length).toBeGreaterThan(0);
    for (const d of divided) expect(d).toEqual({ selector: expect.stringContaining(`job="${c.licenseApi.job}"`), by: c.licenseApi.seatLimit });
    // No threshold in seats either (a forecast's bar of history is a count of samples, not seats).
    const compared = exprs.map((e) => e.replace(/count_over_time\(.*?\)\s*>=\s*\d+/g, ""));
    expect(compared.some((e) => /(>=?|<=?)\s*\d{2,}/.test(e) && /active_sessions|seat_utilisation/.test(e))).toBe(false);
  });

  test("tracing panels link every series to its traces in Jaeger, by the Jaeger data source's uid", () => {
    for (const id of Object.values(DASHBOARDS.tracing.panels)) {
      const p = allPanels(byKey.tracing).find((x) => x.id === id) as AnyPanel;
      const links = p.fieldConfig!.defaults.links as unknown as { url: string; title: string; placement?: string }[];
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        expect(link.placement).toBeUndefined();
        const panes = JSON.parse(decodeURIComponent(new URL(link.url, "https://grafana.invalid").searchParams.get("panes")!));
        expect(panes.traces.datasource).toBe(ds.jaeger.uid);
        expect(panes.traces.queries[0]).toMatchObject({ datasource: { type: "jaeger", uid: ds.jaeger.uid }, queryType: "search" });
        expect(panes.traces.queries[0].service).toBe("${__field.labels.service_name:percentencode}");
        expect(panes.traces.queries[0].operation).toBe("${__field.labels.span_name:percentencode}");
      }
    }
    expect(jaegerSearchUrl("x")).toMatch(/^\/explore\?schemaVersion=1&panes=/);
  });

  test("the span-metric names the tracing dashboard reads are the ones the collector exports", () => {
    const connector = entryCollectorConfig(c).connectors.span_metrics as {
      namespace?: string;
      histogram?: { unit?: string };
      exclude_dimensions?: string[];
    };
    // The connector's default namespace, through the prometheus exporter (dots to underscores).
    const namespace = (connector.namespace ?? "traces.span.metrics").replace(/\./g, "_");
    const unit = { s: "seconds", ms: "milliseconds" }[connector.histogram?.unit ?? "ms"];
    expect(SPAN_METRICS.calls).toBe(`${namespace}_calls_total`);
    expect(SPAN_METRICS.durationBucket).toBe(`${namespace}_duration_${unit}_bucket`);
    // The labels the dashboard groups and filters by are the connector's default dimensions.
    expect(connector.exclude_dimensions ?? []).toEqual([]);
    const exporter = (entryCollectorConfig(c).exporters as Record<string, Record<string, unknown>>).prometheus;
    expect(exporter.namespace).toBeUndefined();
    expect(exporter.add_metric_suffixes).not.toBe(false);
  });

  test("the artifacts hold each dashboard as grafana/dashboards/<uid>.json, sorted 2-space JSON with a newline", () => {
    const files = renderArtifacts(c);
    for (const d of built) {
      const text = files[`grafana/dashboards/${d.uid}.json`];
      expect(text).toBe(dashboardJson(d.model));
      expect(text.endsWith("}\n")).toBe(true);
      expect(JSON.parse(text).uid).toBe(d.uid);
      const keys = Object.keys(JSON.parse(text));
      expect(keys).toEqual([...keys].sort());
    }
  });
});

test("staging and prod use different data source uids (they may share a Grafana organisation)", () => {
  const [a, b] = STACKS.map((s) => dataSources(testStackConfig(s)));
  for (const key of Object.keys(a) as (keyof typeof a)[]) {
    expect(a[key].uid).not.toBe(b[key].uid);
    expect(a[key].name).not.toBe(b[key].name);
    expect(a[key].uid.length).toBeLessThanOrEqual(40);
  }
});
