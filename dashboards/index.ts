// Every dashboard of the stack, by the key lib/identities.ts gives it. Each is a pure function of
// the stack config returning Grafana's dashboard JSON model; components/grafana.ts uploads them and
// render/artifacts.ts writes them to grafana/dashboards/<uid>.json.
import type { StackConfig } from "../config";
import { capacityDashboard } from "./capacity";
import type { DashboardModel } from "./common";
import { dependenciesDashboard } from "./dependencies";
import { licenseApiDashboard } from "./license-api";
import { sloDashboard } from "./slo";
import { tracingDashboard } from "./tracing";
import { type DashboardKey } from "../lib/identities";

export const DASHBOARD_BUILDERS: Record<DashboardKey, (c: StackConfig) => DashboardModel> = {
  licenseApi: licenseApiDashboard,
  slo: sloDashboard,
  dependencies: dependenciesDashboard,
  capacity: capacityDashboard,
  tracing: tracingDashboard,
};

export interface BuiltDashboard {
  key: DashboardKey;
  uid: string;
  model: DashboardModel;
}

/** The stack's dashboards, in a stable order. */
export function renderDashboards(c: StackConfig): BuiltDashboard[] {
  return (Object.keys(DASHBOARD_BUILDERS) as DashboardKey[]).map((key) => {
    const model = DASHBOARD_BUILDERS[key](c);
    return { key, uid: model.uid!, model };
  });
}

/** The JSON Grafana stores, as the artifact files and the Grafana provider get it: 2-space, sorted keys. */
export function dashboardJson(model: DashboardModel): string {
  return `${JSON.stringify(sortKeys(model), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export { type DashboardModel } from "./common";
export { dataSources, timeIntervals, type DataSourceKey, type DataSourceRef } from "./datasources";
