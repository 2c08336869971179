// The reachability check the Grafana tests apply to every data source: it must refuse what Grafana
// Cloud cannot reach, or those tests could not fail.
import { unreachable } from "./reachability";

test("a cluster-internal URL without a PDC network is unreachable; with one, reachable", () => {
  const prometheus = { type: "prometheus", url: "http://kps-prometheus.monitoring.svc:9090" };
  expect(unreachable(prometheus)).toMatch(/cluster-internal and no PDC network/);
  expect(unreachable({ ...prometheus, url: "http://jaeger-query.tracing.svc.cluster.local:16686" })).toMatch(/cluster-internal/);
  expect(unreachable({ ...prometheus, url: "http://10.12.0.5:9090" })).toMatch(/cluster-internal/);
  expect(unreachable({ ...prometheus, privateDataSourceConnectNetworkId: "pdc-1" })).toBeUndefined();
  expect(unreachable({ type: "prometheus", url: "https://prometheus-prod-10-prod-us-central-0.grafana.net/api/prom" })).toBeUndefined();
});

test("Cloud Monitoring with gce authentication is unreachable from Grafana Cloud; with a key (jwt), reachable", () => {
  expect(unreachable({ type: "stackdriver", jsonDataEncoded: JSON.stringify({ authenticationType: "gce" }) })).toMatch(/Google VM/);
  expect(unreachable({ type: "stackdriver", jsonDataEncoded: JSON.stringify({ authenticationType: "jwt" }) })).toBeUndefined();
});
