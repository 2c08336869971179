// A synthetic license API for the scale benchmark: every metric of the metric contract the API and its
// seats exporter export, for any number of licenses, labelled under either scheme (the contract's, or ADR-019's with the
// license key on every per-license series), as exposition text. No traffic is simulated: counters grow
// at a steady rate per series so that rate() has something to read, and the text is made directly
// (a client library's registry holds every series as an object, too slow and too large at 100k
// licenses). One license in FULL_EVERY uses all its seats; only those are denied seats, and a denial
// counter exists only for them, as the exporter creates a labelled series on its first increment.
import * as http from "http";
import { exportedUnder, labelsOf, leLabel, METRIC_CONTRACT, sourceOf, type ContractMetric, type LabelScheme, type MetricSource } from "../rules/metric-contract";

const TIERS = ["free", "pro", "enterprise"] as const;
/** Seat counts licenses are sold with, in turn. */
const SEATS = [5, 50, 500] as const;
/** Every FULL_EVERY-th license has all its seats in use, and is denied more. */
export const FULL_EVERY = 50;
/** Values of the labels that are neither per license nor listed in the contract's `values`. */
const FIXED_VALUES: Record<string, readonly string[]> = {
  tier: TIERS,
  success: ["true", "false"],
  operation: ["get", "set", "incr", "decr"],
  table: ["licenses", "seats", "tenants"],
  endpoint: ["/api/v1/licenses/validate", "/api/v1/seats/acquire", "/api/v1/seats/release"],
  version: ["1.0.0"],
  environment: ["bench"],
  region: ["loopback"],
};

interface License {
  license_key: string;
  license_id: string;
  tenant_id: string;
  tier: string;
  seats: number;
  full: boolean;
}

export function licenses(n: number): License[] {
  return Array.from({ length: n }, (_, i) => ({
    license_key: `LIC-${(i * 2654435761 >>> 0).toString(16).toUpperCase().padStart(8, "0")}-${String(i).padStart(6, "0")}`,
    license_id: `lic-${i}`,
    tenant_id: `tenant-${Math.floor(i / 3)}`,
    tier: TIERS[i % TIERS.length],
    seats: SEATS[i % SEATS.length],
    full: i % FULL_EVERY === 0,
  }));
}

const PER_LICENSE = new Set(["license_key", "license_id", "tenant_id"]);

/** Every label set of a metric under a scheme, with its license: per license where it carries a license label. */
function labelSets(m: ContractMetric, scheme: LabelScheme, all: License[]): { labels: Record<string, string>; license?: License }[] {
  const names = labelsOf(m, scheme);
  const perLicense = names.some((n) => PER_LICENSE.has(n));
  const others = names.filter((n) => !PER_LICENSE.has(n) && !(perLicense && n === "tier"));
  let sets: Record<string, string>[] = [{}];
  for (const name of others) {
    const values = m.values?.[name] ?? FIXED_VALUES[name];
    if (!values) throw new Error(`no values for label ${name} of ${m.name}`);
    sets = sets.flatMap((s) => values.map((v) => ({ ...s, [name]: v })));
  }
  if (!perLicense) return sets.map((labels) => ({ labels }));
  const owners = m.name === "seat_denials_total" ? all.filter((l) => l.full) : all;
  return owners.flatMap((l) => {
    const own: Record<string, string> = {};
    for (const n of names) if (PER_LICENSE.has(n) || n === "tier") own[n] = l[n as keyof License] as string;
    return sets.map((s) => ({ labels: { ...own, ...s }, license: l }));
  });
}

/** A full license uses all its seats; the others a fifth to three fifths of them. */
const sessionsOf = (l: License, i: number) => (l.full ? l.seats : Math.floor(l.seats * (0.2 + (i % 5) / 10)));

const render = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");

/** The /metrics of `source` (the API, or the seats exporter) at `t` seconds after it started, for `all` licenses under `scheme`. */
export function exposition(all: License[], scheme: LabelScheme, t: number, source: MetricSource = "license-api"): string {
  const out: string[] = [];
  for (const m of METRIC_CONTRACT.filter((x) => sourceOf(x, scheme) === source && exportedUnder(x, scheme))) {
    const type = m.type === "info" ? "gauge" : m.type;
    out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${type}`);
    labelSets(m, scheme, all).forEach(({ labels, license }, i) => {
      const l = render(labels);
      // A steady, series-specific rate: 0.01 to 0.08 per second.
      const count = Math.floor(t * (0.01 * ((i % 8) + 1)) * 100) / 100;
      if (m.type === "histogram") {
        const bounds = [...(m.buckets ?? []), Infinity];
        bounds.forEach((b, k) => out.push(`${m.name}_bucket{${l}${l ? "," : ""}le="${leLabel(b)}"} ${Math.floor((count * (k + 1)) / bounds.length)}`));
        out.push(`${m.name}_sum{${l}} ${count * 0.05}`, `${m.name}_count{${l}} ${count}`);
      } else if (m.name === "license_seat_utilisation_ratio") out.push(`${m.name}{${l}} ${sessionsOf(license!, i) / license!.seats}`);
      else if (m.name === "active_sessions") out.push(`${m.name}{${l}} ${sessionsOf(license!, i)}`);
      else if (m.type === "counter") out.push(`${m.name}{${l}} ${count}`);
      else out.push(`${m.name}{${l}} 1`);
    });
  }
  return out.join("\n") + "\n";
}

/**
 * Serves the API's exposition on every port of `ports` (one per API replica), and the seats exporter's
 * on `seatsPort`. Each text is made at most once every `refreshMs`, so that several Prometheus scraping
 * three replicas cost one rendering per cycle.
 */
export async function serveSyntheticApi(ports: number[], seatsPort: number, n: number, scheme: LabelScheme, refreshMs = 15_000): Promise<() => Promise<void>> {
  const all = licenses(n);
  const started = Date.now();
  const cache = new Map<MetricSource, { at: number; body: string }>();
  const body = (source: MetricSource) => {
    const cached = cache.get(source);
    if (cached && Date.now() - cached.at <= refreshMs) return cached.body;
    const fresh = { at: Date.now(), body: exposition(all, scheme, (Date.now() - started) / 1000 + 3600, source) };
    cache.set(source, fresh);
    return fresh.body;
  };
  const servers = await Promise.all(
    [...ports.map((port) => [port, "license-api"] as const), [seatsPort, "license-seats"] as const].map(
      ([port, source]) =>
        new Promise<http.Server>((resolve) => {
          const server = http.createServer((req, res) => {
            if (req.url !== "/metrics") return void res.writeHead(404).end();
            res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(body(source));
          });
          server.listen(port, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  return () => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
}
