// Helm values of the blackbox exporter that probes the license API's health endpoint.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { BLACKBOX_MODULE } from "../prometheus-config";

export const BLACKBOX_EXPORTER = {
  release: "blackbox-exporter",
} as const;

/** The module, shared with the local stack's blackbox exporter so both probe the same way. */
export function blackboxModules(c: StackConfig) {
  return {
    [BLACKBOX_MODULE]: {
      prober: "http",
      // Just under the scrape timeout, so a hang is reported as a failed probe, not a failed scrape.
      timeout: `${Math.max(1, seconds(c.blackbox.probeTimeout) - 0.5)}s`,
      http: {
        valid_http_versions: ["HTTP/1.1", "HTTP/2.0"],
        valid_status_codes: [200],
        method: "GET",
        follow_redirects: false,
        preferred_ip_protocol: "ip4",
      },
    },
  };
}

export function blackboxValues(c: StackConfig) {
  return {
    fullnameOverride: BLACKBOX_EXPORTER.release,
    service: { type: "ClusterIP", port: 9115 },
    resources: c.blackbox.resources,
    config: { modules: blackboxModules(c) },
  };
}
