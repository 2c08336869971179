// A stand-in for the license API: serves every metric of the metric contract (same names, labels and
// buckets as the API's metrics.py) with realistic traffic over tiers and licenses, a health endpoint,
// and takes faults on a control port. Run as its own process so that `exit` really kills it.
import { randomUUID } from "crypto";
import * as http from "http";
import type { Socket } from "net";
import { Registry } from "prom-client";
import { contractMetrics } from "./contract-metrics";
import { companionMetrics, type Span } from "./companion-metrics";
import { SEATS_RISE_FILL_MINUTES, TRAFFIC_FAULTS, type TrafficFault } from "./faults";
import type { LabelScheme } from "../rules/metric-contract";

export interface SimulatorOptions {
  apiPort: number;
  metricsPort: number;
  /** Every /metrics port of the API's pods (the first is metricsPort): a rollout moves discovery from one to another. */
  metricsPorts?: number[];
  /** The load balancer in front of the API: what the public URL reaches. */
  publicPort: number;
  publicPath: string;
  controlPort: number;
  healthPath: string;
  metricsPath: string;
  /** The seats exporter's /metrics: each license's seat gauges, once (the metric contract's labels only). */
  seatsPort: number;
  seatsPath: string;
  /** Seats of a license whose record has none: what the API enforces for it. */
  seatLimit: number;
  namespace: string;
  container: string;
  /** How the per-license series are labelled: the metric contract's, or ADR-019's (the license key). */
  labelScheme: LabelScheme;
}

const TIERS = { free: 40, pro: 25, enterprise: 10 } as const;
/** Seats a license of each tier is sold with. */
const SEATS: Record<keyof typeof TIERS, number> = { free: 5, pro: 50, enterprise: 500 };
const LICENSES = Object.entries(TIERS).flatMap(([tier, n]) =>
  Array.from({ length: Math.ceil(n / 5) }, (_, i) => ({
    key: `LIC-${tier.toUpperCase()}-${String(i + 1).padStart(4, "0")}`,
    id: `lic-${tier}-${i + 1}`,
    tenant: `tenant-${tier}-${i + 1}`,
    tier,
    // The last free license's record has no seat count: the API enforces the default limit.
    seats: tier === "free" && i === Math.ceil(n / 5) - 1 ? undefined : SEATS[tier as keyof typeof TIERS],
  })),
);
const ENDPOINTS = ["/api/v1/licenses/validate", "/api/v1/seats/acquire", "/api/v1/seats/release"];
const TABLES = ["licenses", "seats", "tenants"];

/**
 * The API's own metrics, as the metric contract defines them, and each license's seat gauges: from the
 * seats exporter's registry under the contract, from every replica's under ADR-019's labels.
 */
function metrics(registry: Registry, seatsRegistry: Registry, scheme: LabelScheme) {
  const { counter, gauge, histogram } = contractMetrics(registry, scheme);
  const seats = contractMetrics(scheme === "adr" ? registry : seatsRegistry, scheme);
  return {
    requests: counter("license_validation_requests_total"),
    latency: histogram("license_validation_latency_seconds"),
    errors: counter("license_validation_errors_total"),
    seatAcquisitions: counter("seat_acquisitions_total"),
    seatLatency: histogram("seat_acquisition_latency_seconds"),
    sessions: seats.gauge("active_sessions"),
    utilisation: scheme === "adr" ? undefined : seats.gauge("license_seat_utilisation_ratio"),
    denials: counter("seat_denials_total"),
    redisOps: counter("redis_operations_total"),
    redisLatency: histogram("redis_latency_seconds"),
    dbQueries: counter("database_queries_total"),
    dbLatency: histogram("database_query_latency_seconds"),
    info: gauge("app_info"),
  };
}

const TICK_MS = 250;
/** Random keys the `guess` fault presents per tick: 3,120 a minute. */
const GUESSES_PER_TICK = 13;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];
const between = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

export function startSimulator(o: SimulatorOptions): Promise<void> {
  const registry = new Registry();
  const seatsRegistry = new Registry();
  const m = metrics(registry, seatsRegistry, o.labelScheme);
  const adr = o.labelScheme === "adr";
  type License = (typeof LICENSES)[number];
  /** The labels of a license's own series: ADR-019's carry the key, the contract's a non-secret id. */
  const own = (l: License) => (adr ? { license_key: l.key, tenant_id: l.tenant } : { license_id: l.id, tenant_id: l.tenant });
  /** The request counter: per presented key under ADR-019's labels, none under the contract's. */
  const validation = (key: string, status: string, tier: string): Record<string, string> => (adr ? { license_key: key, status, tier } : { status, tier });
  const acquisition = (l: License, success: string) => (adr ? { license_key: l.key, tenant_id: l.tenant, success } : { success });
  const faults = new Set<TrafficFault>();
  /** When the `seats-rise` fault began: the rising licenses' sessions follow the time since. */
  let risingSince = 0;
  /** The series guessed keys created (ADR-019's labels): the process holds them until it restarts. */
  let guessed: Record<string, string>[] = [];
  let hanging = false;
  let blipMetrics = false;
  let blipHealth = false;
  /** The public path (load balancer, DNS, TLS, ingress) fails while the pods answer. */
  let edgeDown = false;
  // ADR-019's metrics.py reports no seat limit and its rules measure every license against 50: an API
  // still on its labels sells every license with the configured limit. Under the contract each
  // license has its tier's seats, and a record without a count the API's default.
  const seatsOf = (l: (typeof LICENSES)[number]) => (adr ? o.seatLimit : (l.seats ?? o.seatLimit));
  const levels = new Map(LICENSES.map((l) => [l.key, Math.floor(seatsOf(l) * between(0.2, 0.6))]));
  const sessions = new Map(levels);
  m.info.set({ version: "1.0.0", environment: "local", region: "loopback" }, 1);

  // A labelled counter appears at its label set's first use, as the API's do (docs/metrics.md): no
  // failed validation, Redis error or seat denial exists until the first one, so every rule and panel
  // that reads them must show 0, not nothing, before it.

  const companions = companionMetrics(registry, { namespace: o.namespace, container: o.container, pods: [`${o.container}-7f9c6d5b8-k2x4p`, `${o.container}-7f9c6d5b8-q8w3n`] });

  function tick() {
    const spans: Span[] = [];
    for (let i = 0; i < 20; i++) {
      const l = pick(LICENSES);
      const roll = Math.random();
      const failed = (faults.has("errors") && roll < 0.5) || (faults.has("episode") && roll < 0.1) || (faults.has("trickle") && roll < 0.02);
      const status = failed ? "error" : roll > 0.97 ? "invalid" : roll > 0.96 ? "expired" : roll > 0.955 ? "revoked" : "valid";
      m.requests.inc(validation(l.key, status, l.tier));
      if (failed) m.errors.inc({ error_type: pick(["redis_unavailable", "database_error", "timeout", "internal"]), tier: l.tier });
      const endpoint = pick(ENDPOINTS);
      const seconds = faults.has("latency") ? between(1.5, 3) : between(0.004, 0.12);
      m.latency.observe({ endpoint }, seconds);
      const redisFailed = faults.has("redis") && Math.random() < 0.5;
      const op = pick(["get", "set", "incr", "decr"]);
      const redisSeconds = between(0.0002, 0.004);
      m.redisOps.inc({ operation: op, status: redisFailed ? "error" : "success" });
      m.redisLatency.observe({ operation: op }, redisSeconds);
      const table = pick(TABLES);
      const dbSeconds = faults.has("db") ? between(0.6, 1.2) : between(0.002, 0.04);
      m.dbQueries.inc({ table, operation: "select" });
      m.dbLatency.observe({ table, operation: "select" }, dbSeconds);
      // The request's trace: its server span and the client spans of the calls it made.
      spans.push(
        { kind: "server", name: `POST ${endpoint}`, seconds, error: failed },
        { kind: "client", name: `redis ${op.toUpperCase()}`, seconds: redisSeconds, error: redisFailed },
        { kind: "client", name: `SELECT ${table}`, seconds: dbSeconds, error: false },
      );
    }
    // A key matches no license, so it has no tier: ADR-019's metrics.py still labels the series with it.
    if (faults.has("guess")) {
      for (let i = 0; i < GUESSES_PER_TICK; i++) {
        const labels = validation(`LIC-GUESS-${randomUUID()}`, "invalid", "unknown");
        m.requests.inc(labels);
        if (adr) guessed.push(labels);
      }
    }
    for (const l of LICENSES) {
      // Healthy licenses hold their level (a trend in 20 s of noise would look like a capacity forecast);
      // the `seats` fault fills one license to its limit and keeps denying, `seats-rise` fills the
      // enterprise licenses' free seats at a steady pace.
      const exhausted = faults.has("seats") && l === LICENSES[0];
      const level = levels.get(l.key)!;
      const risen = Math.min(1, (Date.now() - risingSince) / (SEATS_RISE_FILL_MINUTES * 60_000));
      const current = sessions.get(l.key)!;
      const next = exhausted ? seatsOf(l) : faults.has("seats-rise") && l.tier === "enterprise" ? level + Math.floor((seatsOf(l) - level) * risen) : level;
      // Sessions end and new ones take their seats: acquisitions go on while the level holds.
      const churn = Math.random() < 0.3 ? 1 : 0;
      m.seatAcquisitions.inc(acquisition(l, "true"), Math.max(0, next - current) + churn);
      if (exhausted) {
        m.seatAcquisitions.inc(acquisition(l, "false"), 3);
        m.denials.inc(own(l), 3);
      }
      m.seatLatency.observe(between(0.001, 0.02));
      sessions.set(l.key, next);
      m.sessions.set(own(l), next);
      m.utilisation?.set(own(l), next / seatsOf(l));
    }
    companions.tick(TICK_MS / 1000, spans);
  }
  const timer = setInterval(tick, TICK_MS);

  const sockets = new Set<Socket>();
  const listen = (port: number, handler: http.RequestListener, hangable: boolean) => {
    const server = http.createServer((req, res) => {
      if (hangable && hanging) return; // accept, read, never answer
      handler(req, res);
    });
    server.on("connection", (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    });
    return new Promise<http.Server>((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
  };

  const apiHandler: http.RequestListener = (req, res) => {
    if (req.url !== o.healthPath) return void res.writeHead(404).end();
    if (blipHealth) {
      blipHealth = false;
      return void res.writeHead(503).end('{"status": "unavailable"}');
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"status": "ok"}');
  };
  // What customers reach: the load balancer in front of the API. It answers with its own error page
  // (as a load balancer with no healthy backend does) while the edge fault lasts.
  const publicHandler: http.RequestListener = (req, res) => {
    if (req.url !== o.publicPath) return void res.writeHead(404).end();
    if (edgeDown) return void res.writeHead(502, { "content-type": "text/html" }).end("<html><body>502 Bad Gateway</body></html>");
    res.writeHead(200, { "content-type": "application/json" }).end('{"status": "ok"}');
  };
  const metricsHandler: http.RequestListener = async (req, res) => {
    if (req.url !== o.metricsPath) return void res.writeHead(404).end();
    if (blipMetrics) {
      blipMetrics = false;
      return void res.writeHead(500).end();
    }
    res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
  };
  // The seats exporter runs beside the API's pods: only a metric contract API has one.
  const seatsHandler: http.RequestListener = async (req, res) => {
    if (req.url !== o.seatsPath) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": seatsRegistry.contentType }).end(await seatsRegistry.metrics());
  };

  // Pods deleted: nothing listens any more, while the process (the "cluster") stays.
  let serving: http.Server[] = [];
  const open = async () => {
    if (serving.length === 0)
      serving = await Promise.all([
        listen(o.apiPort, apiHandler, true),
        ...(o.metricsPorts ?? [o.metricsPort]).map((port) => listen(port, metricsHandler, true)),
        listen(o.publicPort, publicHandler, true),
        ...(adr ? [] : [listen(o.seatsPort, seatsHandler, true)]),
      ]);
  };
  const close = () => {
    for (const server of serving) server.close();
    for (const socket of sockets) socket.destroy();
    serving = [];
  };

  const controlHandler: http.RequestListener = async (req, res) => {
    const mode = (req.url ?? "").replace(/^\/fault\//, "");
    if (req.method !== "POST") return void res.writeHead(405).end();
    if (mode === "exit") return void res.writeHead(200).end("exiting\n", () => process.exit(1));
    if (mode === "hang") hanging = true;
    else if (mode === "vanish") close();
    else if (mode === "blip") blipMetrics = blipHealth = true;
    else if (mode === "edge") edgeDown = true;
    else if (mode === "recover") {
      faults.clear();
      // As a restart of the API's pods would: the guessed keys' series are gone.
      for (const labels of guessed) m.requests.remove(labels);
      guessed = [];
      hanging = false;
      edgeDown = false;
      await open();
    } else if ((TRAFFIC_FAULTS as readonly string[]).includes(mode)) {
      if (mode === "seats-rise" && !faults.has(mode)) risingSince = Date.now();
      faults.add(mode as TrafficFault);
    }
    else return void res.writeHead(400).end(`unknown fault ${mode}\n`);
    res.writeHead(200).end(`${mode}\n`);
  };

  return Promise.all([open(), listen(o.controlPort, controlHandler, false)]).then(() => {
    process.stdout.write(`simulator listening on 127.0.0.1:${o.apiPort} (api), :${o.metricsPort} (metrics), :${o.seatsPort} (seats), :${o.publicPort} (public), :${o.controlPort} (control)\n`);
    process.on("SIGTERM", () => {
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      process.exit(0);
    });
  });
}

if (require.main === module) {
  const options = JSON.parse(process.argv[2]) as SimulatorOptions;
  void startSimulator(options);
}
