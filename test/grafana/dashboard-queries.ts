// The PromQL a dashboard sends, as Grafana would send it with every template variable at its default.
import { allPanels, type DashboardModel } from "../../dashboards/common";
import { substitute } from "./promql";
export type Target = { refId?: string; expr?: string; legendFormat?: string; datasource?: { type?: string; uid?: string } };

/** Each template variable's default, as Grafana substitutes it (All becomes the allValue). */
export function variableDefaults(model: DashboardModel): Record<string, string> {
  return Object.fromEntries(
    (model.templating?.list ?? []).map((v) => {
      const value = v.current?.value;
      const single = Array.isArray(value) ? value[0] : value;
      return [v.name, single === "$__all" ? (v.allValue ?? ".*") : String(single ?? "")];
    }),
  );
}

/** Every PromQL query of a dashboard: panel targets and query-variable selectors, with `values` set in place of the defaults. */
export function promQueries(model: DashboardModel, values: Record<string, string> = {}): { where: string; expr: string; raw: string; legend?: string; datasource?: string }[] {
  const vars = { ...variableDefaults(model), ...values };
  const fromPanels = allPanels(model).flatMap((p) =>
    ((p.targets ?? []) as Target[])
      .filter((t) => t.expr !== undefined)
      .map((t) => ({
        where: `${model.uid} panel ${p.id} ${t.refId}`,
        expr: substitute(t.expr!, vars),
        raw: t.expr!,
        legend: t.legendFormat,
        // The data source the query goes to: its own, else its panel's.
        datasource: t.datasource?.uid ?? p.datasource?.uid,
      })),
  );
  const fromVariables = (model.templating?.list ?? [])
    .filter((v) => v.type === "query")
    .map((v) => {
      const m = /^label_values\((.+),\s*\w+\)$/.exec(String(v.query));
      if (!m) throw new Error(`${model.uid} variable ${v.name}: expected label_values(selector, label), got ${v.query}`);
      return { where: `${model.uid} variable ${v.name}`, expr: substitute(m[1], vars), raw: m[1], datasource: v.datasource?.uid };
    });
  return [...fromPanels, ...fromVariables];
}


/** Every PromQL query a dashboard sends to Monarch through the Cloud Monitoring data source. */
export function monarchQueries(model: DashboardModel): { where: string; expr: string }[] {
  return allPanels(model).flatMap((p) =>
    ((p.targets ?? []) as (Target & { queryType?: string; promQLQuery?: { expr?: string } })[])
      .filter((t) => t.queryType === "promQL")
      .map((t) => ({ where: `${model.uid} panel ${p.id} ${t.refId}`, expr: t.promQLQuery?.expr ?? "" })),
  );
}
