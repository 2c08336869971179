// How Prometheus sees the license API: its /metrics and the seats exporter's through ServiceMonitors, its health endpoint
// through black-box probes, and a NetworkPolicy so that /metrics (license keys in labels) is
// reachable from Prometheus only.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { licenseApiHealthProbe, licenseApiServiceMonitor, licenseSeatsServiceMonitor } from "../render/custom-resources";
import { blackboxRelease } from "../render/releases";
import { pinnedRelease } from "./helm-release";

export interface LicenseApiScrapingArgs {
  config: StackConfig;
  /** Namespace of Prometheus (and of the blackbox exporter). */
  monitoringNamespace: pulumi.Input<string>;
}

export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus" };

export class LicenseApiScraping extends pulumi.ComponentResource {
  /**
   * Labels the license API's Service and its pods must both carry: the ServiceMonitor selects the
   * Service by them, the NetworkPolicy the pods.
   */
  readonly scrapeSelector: Record<string, string>;

  constructor(name: string, args: LicenseApiScrapingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:LicenseApiScraping", name, {}, opts);
    const c = args.config;
    const api = c.licenseApi;
    const child = { parent: this };

    new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, licenseApiServiceMonitor(c), child);
    new k8s.apiextensions.CustomResource(`${name}-seats-servicemonitor`, licenseSeatsServiceMonitor(c), child);

    const blackbox = pinnedRelease(`${name}-blackbox`, blackboxRelease(c), args.monitoringNamespace, child);

    new k8s.apiextensions.CustomResource(`${name}-probe`, licenseApiHealthProbe(c), { ...child, dependsOn: [blackbox] });

    // Once a pod is selected by a policy, all ingress not allowed is denied: so the API port stays
    // open to everyone and the metrics port is opened to Prometheus only.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-metrics-policy`,
      {
        metadata: { name: `${api.service}-metrics-from-prometheus`, namespace: c.namespaces.licenseApi },
        spec: {
          podSelector: { matchLabels: api.selector },
          policyTypes: ["Ingress"],
          ingress: [
            { ports: [{ port: api.port, protocol: "TCP" }] },
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": c.namespaces.monitoring } },
                  podSelector: { matchLabels: PROMETHEUS_POD_LABELS },
                },
              ],
              ports: [{ port: api.metricsPort, protocol: "TCP" }],
            },
          ],
        },
      },
      child,
    );

    this.scrapeSelector = api.selector;
    this.registerOutputs({ scrapeSelector: this.scrapeSelector });
  }
}
