// Dashboard and panel identities shared by the dashboards and by the alerts that link to them, so an
// alert's `dashboard` annotation always opens the panel that explains it.

export const DASHBOARDS = {
  licenseApi: { uid: "coditect-license-api", panels: { requestRate: 1, latency: 2, errorRatio: 3, activeSessions: 4, seatUtilisation: 5, validationFailures: 6 } },
  slo: { uid: "coditect-license-slo", panels: { availability: 1, budgetRemaining: 2, burnRates: 3 } },
  dependencies: { uid: "coditect-license-deps", panels: { redisOperations: 1, redisErrors: 2, redisLatency: 3, databaseLatency: 4 } },
  capacity: { uid: "coditect-license-capacity", panels: { cpu: 1, memory: 2, seatForecast: 3 } },
  tracing: { uid: "coditect-license-tracing", panels: { spanRate: 1, spanErrors: 2, spanDuration: 3 } },
} as const;

export type DashboardKey = keyof typeof DASHBOARDS;

/** Dashboard uids are unique per Grafana organisation, and both stacks may share one Grafana. */
export function dashboardUid(dashboard: DashboardKey, environment: string): string {
  return `${DASHBOARDS[dashboard].uid}-${environment}`;
}

/** The URL of one panel, opened on its own, in the stack's Grafana. */
export function panelUrl<D extends DashboardKey>(
  c: { grafana: { url: string }; environment: string },
  dashboard: D,
  panel: keyof (typeof DASHBOARDS)[D]["panels"],
): string {
  const { panels } = DASHBOARDS[dashboard];
  return `${c.grafana.url.replace(/\/$/, "")}/d/${dashboardUid(dashboard, c.environment)}?viewPanel=${panels[panel as keyof typeof panels]}`;
}
