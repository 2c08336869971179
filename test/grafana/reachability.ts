// Whether Grafana Cloud can reach a data source as the stack creates it. Grafana Cloud runs outside
// the cluster and the VPC: a cluster-internal or private address is reachable only through a Private
// Data source Connect network; Google Cloud Monitoring (no URL: Google's public API) only with a key,
// since Grafana Cloud is not a Google VM whose credentials `gce` authentication would use.
import type { DashboardModel } from "../../dashboards/common";

const PRIVATE_HOST = /(^|\.)(svc|cluster\.local|internal|local)$|^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/;

export interface DataSourceInputs {
  type: string;
  url?: string;
  privateDataSourceConnectNetworkId?: string;
  jsonDataEncoded?: string;
}

/** Why Grafana Cloud cannot reach it, or undefined when it can. */
export function unreachable(ds: DataSourceInputs): string | undefined {
  if (ds.type === "stackdriver") {
    const auth = JSON.parse(ds.jsonDataEncoded ?? "{}").authenticationType;
    return auth === "jwt" ? undefined : `Cloud Monitoring with ${auth} authentication works only on a Google VM`;
  }
  if (!ds.url) return "no URL";
  const host = new URL(ds.url).hostname;
  if (PRIVATE_HOST.test(host) && !ds.privateDataSourceConnectNetworkId) return `${ds.url} is cluster-internal and no PDC network routes to it`;
  return undefined;
}

/** Of the given uids, those a dashboard names anywhere: panels, targets, the variable's default, Explore links (URL-encoded). */
export function usedUids(models: DashboardModel[], uids: string[]): string[] {
  const text = models.map((m) => JSON.stringify(m)).join("\n");
  return uids.filter((uid) => text.includes(uid) || text.includes(encodeURIComponent(uid)));
}
