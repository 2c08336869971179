// The seat panels of a stack whose per-license and forecast groups run in Managed Service for
// Prometheus' rule evaluator (alerts.perLicense.evaluator: managed): the aggregates those groups record
// are in Monarch, not in the cluster's Prometheus, and the panels read them there, through the Cloud
// Monitoring data source's PromQL, this stack's scope only. What Grafana does with such a query is read
// in grafana/grafana: public/app/plugins/datasource/cloud-monitoring/datasource.ts (`filterQuery` drops
// a PromQL query without project, expression and step; `migrateQuery` turns a query with none of
// timeSeriesList, timeSeriesQuery, sloQuery and metricQuery into a time series list;
// `applyTemplateVariables` substitutes variables in every PromQL field) and
// pkg/tsdb/cloud-monitoring/cloudmonitoring.go (`migrateRequest`, the same migration on the server)
// and promql_query.go (a range query of /v1/projects/<project>/location/global/prometheus, series
// named by their labels, aliasBy unused). test/e2e/managed-evaluator.test.ts runs these queries in
// the evaluator's stand-in.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allPanels, type DashboardModel } from "../../dashboards/common";
import { dataSources, renderDashboards } from "../../dashboards";
import { MIXED_DATASOURCE } from "../../dashboards/datasources";
import { MANAGED_SCOPE_LABELS, managedScope, PLACED_AGGREGATES } from "../../lib/managed-scope";
import { STACKS } from "../../lib/stack-file";
import { isAlert, managedRuleGroups, renderRuleGroups } from "../../rules";
import { monarchQueries, promQueries, type Target } from "./dashboard-queries";
import { BackfilledPrometheus } from "../backfilled-prometheus";
import { managedEvaluatorConfig, testStackConfig } from "../stack-config";

type MonarchTarget = Target & { queryType?: string; promQLQuery?: { projectName?: string; expr?: string; step?: string }; timeSeriesList?: { projectName?: string } };
type Override = { matcher: { id: string; options: string }; properties: { id: string; value: unknown }[] };

const recordedBy = (groups: ReturnType<typeof managedRuleGroups>) => groups.flatMap((g) => g.rules).flatMap((r) => (isAlert(r) ? [] : [r.record]));
const reads = (expr: string, name: string) => new RegExp(`(^|[^\\w:])${name}($|[^\\w:])`).test(expr);

describe.each(STACKS)("%s, groups on the managed evaluator", (stack) => {
  const c = managedEvaluatorConfig(stack);
  const models: DashboardModel[] = renderDashboards(c).map((d) => d.model);
  const gcm = dataSources(c).cloudMonitoring;

  test("the aggregates the dashboards read from Monarch are exactly those the managed groups record", () => {
    expect([...PLACED_AGGREGATES].sort()).toEqual(recordedBy(managedRuleGroups(c)).sort());
    // And the cluster's Prometheus records none of them.
    for (const name of recordedBy(renderRuleGroups(c))) expect(PLACED_AGGREGATES).not.toContain(name);
  });

  test("every query of a placed aggregate goes to Monarch, this stack's scope only; no Prometheus query reads one", () => {
    const monarch = models.flatMap(monarchQueries);
    expect(new Set(monarch.flatMap((q) => PLACED_AGGREGATES.filter((n) => reads(q.expr, n))))).toEqual(new Set(PLACED_AGGREGATES));
    const scope = managedScope(c);
    for (const q of monarch) {
      for (const l of MANAGED_SCOPE_LABELS) expect({ where: q.where, scoped: q.expr.includes(`${l}=${JSON.stringify(scope[l])}`) }).toEqual({ where: q.where, scoped: true });
    }
    for (const q of models.flatMap((m) => promQueries(m))) {
      expect({ where: q.where, reads: PLACED_AGGREGATES.filter((n) => reads(q.expr, n)) }).toEqual({ where: q.where, reads: [] });
    }
  });

  test("each Monarch query is one Grafana keeps as PromQL: project, expression and step, a time series list beside it, the legend as display name", () => {
    let seen = 0;
    for (const m of models) {
      for (const p of allPanels(m)) {
        const overrides = (p.fieldConfig?.overrides ?? []) as Override[];
        for (const t of (p.targets ?? []) as MonarchTarget[]) {
          if (t.queryType !== "promQL") continue;
          seen++;
          expect(t.datasource).toEqual({ type: gcm.type, uid: gcm.uid });
          expect(t.promQLQuery).toMatchObject({ projectName: c.gcp.project, step: "$__interval" });
          expect(t.promQLQuery?.expr).toBeTruthy();
          expect(t.timeSeriesList?.projectName).toBe(c.gcp.project);
          const names = overrides.filter((o) => o.matcher.id === "byFrameRefID" && o.matcher.options === t.refId).flatMap((o) => o.properties.filter((x) => x.id === "displayName"));
          expect(names).toHaveLength(1);
          expect(String(names[0].value)).not.toBe("");
        }
      }
    }
    expect(seen).toBe(PLACED_AGGREGATES.length + 1); // the fullest license is drawn on two dashboards
  });

  test("a panel mixing Monarch and the cluster's Prometheus is Grafana's mixed panel, each query naming its own data source", () => {
    const prom = dataSources(c).prometheus;
    let mixed = 0;
    for (const m of models) {
      for (const p of allPanels(m)) {
        const targets = (p.targets ?? []) as MonarchTarget[];
        const kinds = new Set(targets.map((t) => t.datasource?.uid));
        if (p.datasource?.uid === MIXED_DATASOURCE.uid) {
          mixed++;
          expect(kinds).toEqual(new Set([gcm.uid, prom.uid]));
        } else {
          for (const t of targets) expect(t.datasource?.uid).toBe(p.datasource?.uid);
        }
      }
    }
    // Sessions (Monarch) beside the worst license's denials (the cluster's seat-denials group).
    expect(mixed).toBe(1);
  });
});

test("with the groups in the cluster's Prometheus, no panel reads Monarch", () => {
  for (const stack of STACKS) {
    const models = renderDashboards(testStackConfig(stack)).map((d) => d.model);
    expect(models.flatMap(monarchQueries)).toEqual([]);
    for (const m of models) for (const p of allPanels(m)) expect(p.datasource?.uid).not.toBe(MIXED_DATASOURCE.uid);
  }
});

// Monarch holds every cluster's and environment's recorded series of a project, and staging and prod
// may share one. A real Prometheus holds the placed aggregates of both stacks' scopes, and of another
// namespace of prod's cluster, each with a value of its own: every panel query of each stack reads its
// own value, one series, and never another's.
describe("the two environments' aggregates side by side, as in one Monarch", () => {
  const prometheus = new BackfilledPrometheus(30741);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-managed-panels-"));
  const T = 1_790_000_000;
  const prod = managedEvaluatorConfig("prod");
  const staging = managedEvaluatorConfig("staging");
  const scopes = [
    { scope: managedScope(prod), value: 7 },
    { scope: managedScope(staging), value: 3 },
    { scope: { ...managedScope(prod), namespace: "another-team" }, value: 11 },
  ];

  beforeAll(async () => {
    const lines = PLACED_AGGREGATES.flatMap((name) => [
      `# TYPE ${name.replace(/:/g, "_")} gauge`,
      ...scopes.flatMap(({ scope, value }) => {
        const labels = Object.entries(scope).map(([k, v]) => `${k}="${v}"`).join(",");
        return [0, 60, 120].map((dt) => `${name}{${labels}} ${value} ${T - 120 + dt}`);
      }),
    ]);
    fs.writeFileSync(path.join(dir, "aggregates.om"), `${lines.join("\n")}\n# EOF\n`);
    await prometheus.start(dir, "aggregates.om");
  }, 60_000);
  afterAll(async () => {
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("the two stacks' scopes differ", () => {
    expect(managedScope(prod)).not.toEqual(managedScope(staging));
  });

  test.each([
    ["prod", prod, 7],
    ["staging", staging, 3],
  ] as const)("%s's panels read %s's aggregates only", async (_name, c, own) => {
    const queries = renderDashboards(c).flatMap((d) => monarchQueries(d.model));
    expect(queries.length).toBeGreaterThanOrEqual(PLACED_AGGREGATES.length);
    for (const q of queries) {
      const res = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query: q.expr, time: String(T) })}`);
      const body = (await res.json()) as { status: string; data: { result: { value: [number, string] }[] } };
      expect({ where: q.where, status: body.status, values: body.data.result.map((r) => Number(r.value[1])) }).toEqual({ where: q.where, status: "success", values: [own] });
    }
  });
});
