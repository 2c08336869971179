// Helm values of the blackbox exporter that probes the license API's health endpoint.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { BLACKBOX_MODULE, PUBLIC_MODULE } from "../prometheus-config";

export const BLACKBOX_EXPORTER = {
  release: "blackbox-exporter",
  /** The chart's selector labels on the exporter's pods, and the name of its container's port (9115). */
  podLabels: { "app.kubernetes.io/name": "prometheus-blackbox-exporter", "app.kubernetes.io/instance": "blackbox-exporter" },
  portName: "http",
} as const;

/** A literal text as an RE2 regular expression. */
const literally = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");

/** The modules, shared with the local stack's blackbox exporter so both probe the same way. */
export function blackboxModules(c: StackConfig) {
  const http = {
    valid_http_versions: ["HTTP/1.1", "HTTP/2.0"],
    valid_status_codes: [200],
    method: "GET",
    follow_redirects: false,
    preferred_ip_protocol: "ip4",
  };
  // Just under the scrape timeout, so a hang is reported as a failed probe, not a failed scrape.
  const timeout = `${Math.max(1, seconds(c.blackbox.probeTimeout) - 0.5)}s`;
  return {
    [BLACKBOX_MODULE]: { prober: "http", timeout, http },
    // The public URL, as the external uptime check judges it: the same content must come back (a
    // load balancer's error page answers 200 too). TLS is verified, as a customer's client does.
    [PUBLIC_MODULE]: { prober: "http", timeout, http: { ...http, fail_if_body_not_matches_regexp: [literally(c.uptime.contentMatcher)] } },
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
