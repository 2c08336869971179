// The local stack: the rendered configuration of a stack running for real on loopback — Prometheus
// (one per configured replica), two clustered Alertmanagers, the blackbox exporter, the license API
// simulator, the stand-in receivers, and a second Prometheus that receives the replicas' remote write
// in place of the long-term store. Only the receivers' URLs and the targets' addresses differ from
// what the cluster runs. Where the config places the per-license groups on Managed Service for
// Prometheus' rule evaluator, one more Prometheus stands in for it (render/managed-prometheus.ts,
// managedStandInConfig) and the replicas leave those groups out.
import { ChildProcess, spawn } from "child_process";
import { EventEmitter } from "events";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { ALERTMANAGER_PEER_TIMEOUT, NAMESPACE, parseConfig, type StackConfig } from "../config";
import { seconds } from "../lib/duration";
import { PROJECT_ROOT, readStackConfig, type StackName } from "../lib/stack-file";
import { toYaml } from "../lib/yaml";
import { alertmanagerConfig } from "../render/alertmanager-config";
import { probeJob, seatsJob } from "../lib/identities";
import { clusterPagesJob } from "../lib/outage-backstop";
import { managedPlacements, managedRulePlacements, managedStandInConfig, managedStandInRules } from "../render/managed-prometheus";
import { prometheusConfig } from "../render/prometheus-config";
import { PLACEHOLDER_SECRETS } from "../render/secrets";
import { blackboxModules } from "../render/values/blackbox";
import { managedRuleGroups, renderRuleGroups, type RuleGroup } from "../rules";
import { ALERTMANAGER, BLACKBOX_EXPORTER, PROMETHEUS } from "../tools/binaries";
import type { LabelScheme } from "../rules/metric-contract";
import type { Fault } from "./faults";
import type { SimulatorOptions } from "./simulator";
import { HeartbeatMonitor } from "./heartbeat-monitor";
import { LOCAL_ROUTING_KEYS, Receivers, type Delivery } from "./receivers";
import { UptimeCheck } from "./uptime-check";

export interface LocalStackOptions {
  stack: StackName;
  /** Folder for configs, data and logs; emptied on start. */
  workDir: string;
  /** First of the ports this stack uses (about 50 above it). */
  basePort: number;
  /** Adjusts the stack's config (tests shorten slow alerts' `for:`; the benchmark applies the ADR's timings). */
  adjust?: (c: StackConfig) => { config: StackConfig; rules?: RuleGroup[]; managedRules?: RuleGroup[] };
  deliveriesFile?: string;
  /** The Alertmanagers' `--cluster.peer-timeout`; the cluster's unless a benchmark reproduces an older setup. */
  peerTimeout?: string;
  /**
   * How the simulated API labels its per-license series: ADR-019's (the license key, what the API
   * exports until it migrates; the default) or the metric contract's.
   */
  labelScheme?: LabelScheme;
}

interface Proc {
  name: string;
  child: ChildProcess;
  expectedExit: boolean;
  /** Milliseconds since the epoch when it exited. */
  exitedAt?: number;
}

export function loadLocalConfig(stack: StackName): StackConfig {
  const raw = readStackConfig(stack);
  for (const [key, value] of Object.entries(PLACEHOLDER_SECRETS)) raw[`${NAMESPACE}:${key}`] = value;
  return parseConfig(raw).config;
}

/**
 * Fails unless every port is free. A process left over from an earlier stack on the same ports would
 * otherwise answer in place of this stack's own (whose start then fails), and its results would be
 * another run's.
 */
async function portsFree(ports: number[]): Promise<void> {
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer();
      probe.once("error", (e) => reject(new Error(`port 127.0.0.1:${port} is taken (${(e as NodeJS.ErrnoException).code}): another local stack, or a process left from one, uses these ports; stop it or choose another basePort`)));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
    });
  }
}

export class LocalStack extends EventEmitter {
  readonly config: StackConfig;
  readonly rules: RuleGroup[];
  /** The groups the managed evaluator's stand-in runs: none unless alerts.perLicense.evaluator is "managed". */
  readonly managedRules: RuleGroup[];
  readonly receivers: Receivers;
  readonly uptimeCheck: UptimeCheck;
  readonly heartbeat: HeartbeatMonitor;
  readonly ports;
  private procs: Proc[] = [];
  private stopping = false;
  // Whatever ends this process (an exception, process.exit), its children end with it.
  private readonly onExit = () => this.killAll();

  constructor(readonly options: LocalStackOptions) {
    super();
    const base = loadLocalConfig(options.stack);
    const adjusted = options.adjust ? options.adjust(base) : { config: base };
    this.config = adjusted.config;
    this.rules = adjusted.rules ?? renderRuleGroups(this.config);
    this.managedRules = adjusted.managedRules ?? managedRuleGroups(this.config);
    const p = options.basePort;
    const alertmanagers = Array.from({ length: this.config.alertmanager.replicas }, (_, i) => i);
    this.ports = {
      prometheus: Array.from({ length: this.config.prometheus.replicas }, (_, i) => p + i),
      alertmanager: alertmanagers.map((i) => p + 10 + i),
      gossip: alertmanagers.map((i) => p + 20 + i),
      blackbox: p + 30,
      receivers: p + 31,
      api: p + 40,
      metrics: p + 41,
      simulator: p + 42,
      longTermStore: p + 43,
      /** The public URL's stand-in for the load balancer in front of the API. */
      public: p + 44,
      /** A second /metrics listener of the API: the pod a rollout replaces the first one with. */
      metricsNext: p + 45,
      /** The seats exporter beside the API (the metric contract's labels only). */
      seats: p + 46,
      /** The managed rule evaluator's stand-in, where the config places groups there. */
      managedEvaluator: p + 47,
    };
    this.receivers = new Receivers(this.ports.receivers, options.deliveriesFile ?? path.join(options.workDir, "deliveries.jsonl"));
    this.receivers.on("delivery", (d: Delivery) => {
      if (d.receiver === "heartbeat") this.heartbeat.ping(d.at);
      this.emit("delivery", d);
    });
    this.uptimeCheck = new UptimeCheck({
      config: this.config,
      url: this.urls.public,
      pagerdutyUrl: this.receivers.urls.pagerduty,
      routingKey: LOCAL_ROUTING_KEYS.uptimeCheck,
      lastRunning: (kind) => this.lastRunning(kind),
    });
    this.heartbeat = new HeartbeatMonitor({ config: this.config, pagerdutyUrl: this.receivers.urls.pagerduty, routingKey: LOCAL_ROUTING_KEYS.heartbeat });
  }

  get urls() {
    return {
      prometheus: this.ports.prometheus.map((p) => `http://127.0.0.1:${p}`),
      alertmanager: this.ports.alertmanager.map((p) => `http://127.0.0.1:${p}`),
      blackbox: `http://127.0.0.1:${this.ports.blackbox}`,
      api: `http://127.0.0.1:${this.ports.api}${this.config.licenseApi.healthPath}`,
      public: `http://127.0.0.1:${this.ports.public}${this.config.uptime.path}`,
      metrics: `http://127.0.0.1:${this.ports.metrics}${this.config.licenseApi.metricsPath}`,
      seats: `http://127.0.0.1:${this.ports.seats}${this.config.licenseApi.seats.metricsPath}`,
      receivers: `http://127.0.0.1:${this.ports.receivers}`,
      longTermStore: `http://127.0.0.1:${this.ports.longTermStore}`,
      managedEvaluator: `http://127.0.0.1:${this.ports.managedEvaluator}`,
    };
  }

  private file(name: string, content: string) {
    const full = path.join(this.options.workDir, name);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
    return full;
  }

  /** The API's pods as Prometheus discovers them: /metrics ports of the simulator. */
  private pods: number[] = [];

  private writeTargets(present: boolean) {
    const targets = present ? [{ targets: this.pods.map((port) => `127.0.0.1:${port}`) }] : [];
    // Written whole then renamed, so Prometheus never reads half a file.
    const tmp = this.file("prometheus/targets/.license-api.json", JSON.stringify(targets));
    fs.renameSync(tmp, path.join(this.options.workDir, "prometheus/targets/license-api.json"));
  }

  async start(): Promise<void> {
    const c = this.config;
    await portsFree(Object.values(this.ports).flat());
    fs.rmSync(this.options.workDir, { recursive: true, force: true });
    process.once("exit", this.onExit);
    await this.receivers.start();
    this.file("prometheus/rules.yml", toYaml({ groups: this.rules }));
    this.pods = [this.ports.metrics];
    this.writeTargets(true);
    const am = alertmanagerConfig(
      c,
      { pagerdutyRoutingKey: LOCAL_ROUTING_KEYS.alertmanager, ...this.receivers.urls.slack, heartbeatUrl: this.receivers.urls.heartbeat },
      { pagerdutyUrl: this.receivers.urls.pagerduty },
    );
    this.file("alertmanager/alertmanager.yml", toYaml(am));
    this.file("blackbox/blackbox.yml", toYaml({ modules: blackboxModules(c) }));

    this.startSimulator();
    this.startBlackbox();
    this.ports.alertmanager.forEach((_, i) => this.startAlertmanager(i));
    // The long-term store's stand-in: a Prometheus that only receives remote write.
    this.spawn("long-term-store", PROMETHEUS, [
      `--config.file=${this.file("long-term-store/prometheus.yml", toYaml({ global: {} }))}`,
      `--storage.tsdb.path=${path.join(this.options.workDir, "data/long-term-store")}`,
      `--web.listen-address=127.0.0.1:${this.ports.longTermStore}`,
      "--web.enable-remote-write-receiver",
      `--log.level=${process.env.LOCAL_STACK_LOG_LEVEL ?? "warn"}`,
    ]);
    this.ports.prometheus.forEach((_, i) => {
      const config = prometheusConfig(c, {
        apiTargetsFile: "targets/license-api.json",
        blackbox: `127.0.0.1:${this.ports.blackbox}`,
        healthUrl: this.urls.api,
        publicUrl: this.urls.public,
        alertmanagers: this.ports.alertmanager.map((p) => `127.0.0.1:${p}`),
        replica: `prometheus-local-${i}`,
        remoteWriteUrl: `${this.urls.longTermStore}/api/v1/write`,
        seatsTarget: this.options.labelScheme === "contract" ? `127.0.0.1:${this.ports.seats}` : undefined,
      });
      this.file(`prometheus/prometheus-${i}.yml`, toYaml(config));
      this.startPrometheus(i);
    });
    if (this.managed) this.startManagedEvaluator();
    this.uptimeCheck.start();
    this.heartbeat.start();
  }

  /** Whether the config places groups on the managed rule evaluator, which a stand-in then runs. */
  get managed(): boolean {
    const placed = managedPlacements(this.config);
    return placed.seats || placed.backstop;
  }

  /**
   * The managed rule evaluator's stand-in: the managed collector's scrapes (the seats exporter, served
   * under the metric contract only; the outage backstop's probes and the Prometheus replicas) and the
   * evaluator's groups, sending to every Alertmanager. It is not a Prometheus replica of the cluster:
   * losing "every Prometheus" leaves it running, as it runs in GKE's own namespace.
   */
  private startManagedEvaluator() {
    const config = managedStandInConfig(this.config, {
      seats: { address: `127.0.0.1:${this.ports.seats}`, pod: `${this.config.licenseApi.seats.service}-local-0` },
      blackbox: { address: `127.0.0.1:${this.ports.blackbox}`, pod: "blackbox-exporter-local-0", healthUrl: this.urls.api, publicUrl: this.urls.public },
      prometheus: this.ports.prometheus.map((p, i) => ({ address: `127.0.0.1:${p}`, pod: `prometheus-local-${i}` })),
      alertmanagers: this.ports.alertmanager.map((p) => `127.0.0.1:${p}`),
      rulesFile: "managed-rules.yml",
    });
    this.file("managed-evaluator/managed-rules.yml", toYaml(managedStandInRules(this.config, managedRulePlacements(this.config, this.managedRules))));
    this.spawn("managed-evaluator", PROMETHEUS, [
      `--config.file=${this.file("managed-evaluator/prometheus.yml", toYaml(config))}`,
      `--storage.tsdb.path=${path.join(this.options.workDir, "data/managed-evaluator")}`,
      `--web.listen-address=127.0.0.1:${this.ports.managedEvaluator}`,
      `--log.level=${process.env.LOCAL_STACK_LOG_LEVEL ?? "warn"}`,
    ]);
  }

  /** A query of the managed evaluator's stand-in. */
  async queryManaged(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    return this.api(this.urls.managedEvaluator, "query", { query: expr });
  }

  /** The rule groups a Prometheus has loaded (a replica's, or the managed stand-in's), by name. */
  async ruleGroups(base: string): Promise<string[]> {
    const data = await this.api<{ groups: { name: string }[] }>(base, "rules", {});
    return data.groups.map((g) => g.name);
  }

  /** Milliseconds since the epoch at which a process of this kind last ran: now while one runs. */
  lastRunning(kind: "prometheus" | "alertmanager"): number {
    const procs = this.procs.filter((p) => p.name.startsWith(`${kind}-`));
    if (procs.some((p) => p.exitedAt === undefined)) return Date.now();
    return Math.max(0, ...procs.map((p) => p.exitedAt!));
  }

  startBlackbox() {
    this.spawn("blackbox", BLACKBOX_EXPORTER, [
      `--config.file=${path.join(this.options.workDir, "blackbox/blackbox.yml")}`,
      `--web.listen-address=127.0.0.1:${this.ports.blackbox}`,
    ]);
  }

  /** Stops the blackbox exporter (a pod evicted, an upgrade): Prometheus' probe scrapes fail until it is back. Resolves once it has exited. */
  stopBlackbox(): Promise<void> {
    return this.exited("blackbox", () => this.terminate("blackbox"));
  }

  /**
   * Stops one Prometheus replica as Kubernetes stops its pod; startPrometheus(i) brings it back on the
   * same data. Resolves once it has exited (it flushes its remote-write queue first), so a restart
   * never finds its port still held.
   */
  stopPrometheus(i: number): Promise<void> {
    return this.exited(`prometheus-${i}`, () => this.terminate(`prometheus-${i}`));
  }

  /** Replaces one Prometheus replica with a fresh one on an empty volume (a new node, a lost disk). */
  async wipePrometheus(i: number) {
    await this.stopPrometheus(i);
    fs.rmSync(path.join(this.options.workDir, `data/prometheus-${i}`), { recursive: true, force: true });
    this.startPrometheus(i);
  }

  /**
   * A rollout of the API, as a Deployment with one surge pod replaces its pods: the new pod (another
   * /metrics port) joins discovery, and the old one leaves two scrape intervals later. The Service,
   * and so the health endpoint, answers throughout.
   */
  async rollout() {
    const [old] = this.pods;
    const next = old === this.ports.metrics ? this.ports.metricsNext : this.ports.metrics;
    this.pods = [old, next];
    this.writeTargets(true);
    await sleep(2 * seconds(this.config.licenseApi.scrapeInterval) * 1000);
    this.pods = [next];
    this.writeTargets(true);
  }

  startPrometheus(i: number) {
    this.spawn(`prometheus-${i}`, PROMETHEUS, [
      `--config.file=${path.join(this.options.workDir, `prometheus/prometheus-${i}.yml`)}`,
      `--storage.tsdb.path=${path.join(this.options.workDir, `data/prometheus-${i}`)}`,
      `--web.listen-address=127.0.0.1:${this.ports.prometheus[i]}`,
      "--web.enable-lifecycle",
      `--log.level=${process.env.LOCAL_STACK_LOG_LEVEL ?? "warn"}`,
    ]);
  }

  /** Kills one Prometheus replica as a node failure would (SIGKILL): its remote write stops mid-queue. */
  killPrometheus(i: number) {
    this.kill(`prometheus-${i}`);
  }

  startAlertmanager(i: number) {
    const peers = this.ports.gossip.filter((_, j) => j !== i);
    this.spawn(`alertmanager-${i}`, ALERTMANAGER, [
      `--config.file=${path.join(this.options.workDir, "alertmanager/alertmanager.yml")}`,
      `--storage.path=${path.join(this.options.workDir, `data/alertmanager-${i}`)}`,
      `--web.listen-address=127.0.0.1:${this.ports.alertmanager[i]}`,
      `--cluster.listen-address=127.0.0.1:${this.ports.gossip[i]}`,
      `--cluster.advertise-address=127.0.0.1:${this.ports.gossip[i]}`,
      ...peers.map((p) => `--cluster.peer=127.0.0.1:${p}`),
      "--cluster.settle-timeout=5s",
      `--cluster.peer-timeout=${this.options.peerTimeout ?? ALERTMANAGER_PEER_TIMEOUT}`,
      `--log.level=${process.env.LOCAL_STACK_LOG_LEVEL ?? "warn"}`,
    ]);
  }

  /** Stops one Alertmanager as Kubernetes stops its pod (SIGTERM); startAlertmanager(i) brings it back on the same data. */
  stopAlertmanager(i: number): Promise<void> {
    return this.exited(`alertmanager-${i}`, () => this.terminate(`alertmanager-${i}`));
  }

  /** Kills one Alertmanager as a node failure would (SIGKILL, no goodbye to its peer). */
  killAlertmanager(i: number) {
    this.kill(`alertmanager-${i}`);
  }

  /** Resolves once the named process has exited, after `act` (which should make it). */
  private exited(name: string, act: () => void): Promise<void> {
    const proc = this.procs.find((p) => p.name === name);
    if (!proc || proc.exitedAt !== undefined) return Promise.resolve(act());
    const done = new Promise<void>((resolve) => proc.child.once("exit", () => resolve()));
    act();
    return done;
  }

  private isRunning(name: string): boolean {
    const proc = this.procs.find((p) => p.name === name);
    return proc !== undefined && proc.exitedAt === undefined;
  }

  /** Stops one process as Kubernetes stops a pod (SIGTERM), and expects it to exit. */
  private terminate(name: string) {
    const proc = this.procs.find((p) => p.name === name);
    if (!proc || proc.exitedAt !== undefined) return;
    proc.expectedExit = true;
    proc.child.kill("SIGTERM");
  }

  private kill(name: string) {
    const proc = this.procs.find((p) => p.name === name);
    if (!proc) return;
    proc.expectedExit = true;
    proc.child.kill("SIGKILL");
  }

  private startSimulator() {
    const c = this.config;
    this.spawn("simulator", process.execPath, [
      "--import",
      "tsx",
      path.join(PROJECT_ROOT, "local", "simulator.ts"),
      JSON.stringify({
        apiPort: this.ports.api,
        metricsPort: this.ports.metrics,
        publicPort: this.ports.public,
        metricsPorts: [this.ports.metrics, this.ports.metricsNext],
        publicPath: c.uptime.path,
        controlPort: this.ports.simulator,
        healthPath: c.licenseApi.healthPath,
        metricsPath: c.licenseApi.metricsPath,
        seatsPort: this.ports.seats,
        seatsPath: c.licenseApi.seats.metricsPath,
        seatLimit: c.licenseApi.seatLimit,
        namespace: c.namespaces.licenseApi,
        container: c.licenseApi.container,
        labelScheme: this.options.labelScheme ?? "adr",
      } satisfies SimulatorOptions),
    ]);
  }

  private spawn(name: string, command: string, args: string[]) {
    const logs = fs.openSync(path.join(this.options.workDir, `${name}.log`), "a");
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: ["ignore", logs, logs] });
    const proc: Proc = { name, child, expectedExit: false };
    this.procs = [...this.procs.filter((p) => p.name !== name), proc];
    child.on("exit", (code, signal) => {
      proc.exitedAt = Date.now();
      fs.closeSync(logs);
      if (!this.stopping && !proc.expectedExit) this.emit("crash", { name, code, signal, log: path.join(this.options.workDir, `${name}.log`) });
    });
    child.on("error", (e) => this.emit("crash", { name, code: null, signal: null, log: String(e) }));
  }

  async fault(mode: Fault): Promise<void> {
    const last = this.ports.prometheus.length - 1;
    const stopAll = (kind: "prometheus" | "alertmanager") => Promise.all(this.ports[kind].map((_, i) => (kind === "prometheus" ? this.stopPrometheus(i) : this.stopAlertmanager(i))));
    if (mode === "prometheus-stop") return void (await stopAll("prometheus"));
    if (mode === "alertmanager-stop") return void (await stopAll("alertmanager"));
    if (mode === "cluster-stop") return void (await Promise.all([stopAll("prometheus"), stopAll("alertmanager")]));
    if (mode === "pagerduty-cut") return void this.receivers.unreachable.add("alertmanager");
    if (mode === "replica-stop") return this.stopPrometheus(last);
    if (mode === "replica-wipe") return this.wipePrometheus(last);
    if (mode === "blackbox-stop") return this.stopBlackbox();
    if (mode === "rollout") return this.rollout();
    const startMonitoring = () => {
      this.ports.alertmanager.forEach((_, i) => !this.isRunning(`alertmanager-${i}`) && this.startAlertmanager(i));
      this.ports.prometheus.forEach((_, i) => !this.isRunning(`prometheus-${i}`) && this.startPrometheus(i));
    };
    if (mode === "monitoring-start") return startMonitoring();
    if (mode === "recover") {
      this.receivers.unreachable.clear();
      startMonitoring();
      if (!this.isRunning("blackbox")) this.startBlackbox();
      return this.recoverApi();
    }
    const sim = this.procs.find((p) => p.name === "simulator");
    if (mode === "exit" && sim) sim.expectedExit = true;
    if (mode === "vanish") this.writeTargets(false);
    await this.post(`http://127.0.0.1:${this.ports.simulator}/fault/${mode}`);
  }

  /** Clears the API's faults only (restarting it after exit), leaving the monitoring as it is. */
  async recoverApi(): Promise<void> {
    this.writeTargets(true);
    const sim = this.procs.find((p) => p.name === "simulator");
    if (!sim || sim.child.exitCode !== null || sim.child.signalCode !== null) {
      this.startSimulator();
      await this.until(() => this.post(`http://127.0.0.1:${this.ports.simulator}/fault/recover`), 20_000, "the simulator to restart");
      return;
    }
    await this.post(`http://127.0.0.1:${this.ports.simulator}/fault/recover`);
  }

  private async post(url: string): Promise<boolean> {
    try {
      const r = await fetch(url, { method: "POST", signal: AbortSignal.timeout(2000) });
      return r.ok;
    } catch {
      return false;
    }
  }

  async query(expr: string, replica = 0): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    return this.api(this.urls.prometheus[replica], "query", { query: expr });
  }

  /** A query of the long-term store's stand-in. */
  async queryLongTerm(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    return this.api(this.urls.longTermStore, "query", { query: expr });
  }

  /** Raw samples of a range selector (`metric[2m]`) in the long-term store, by series. */
  async longTermSamples(selector: string): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
    return this.api(this.urls.longTermStore, "query", { query: selector });
  }

  /** Every series the long-term store holds (label sets). */
  async longTermSeries(): Promise<Record<string, string>[]> {
    return this.api(this.urls.longTermStore, "series", { "match[]": '{__name__=~".+"}' });
  }

  private async api<T>(base: string, endpoint: string, params: Record<string, string>): Promise<T> {
    const r = await fetch(`${base}/api/v1/${endpoint}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(5000) });
    const body = (await r.json()) as { status: string; data: T | { result: T }; error?: string };
    if (body.status !== "success") throw new Error(`${endpoint} ${JSON.stringify(params)} failed: ${body.error}`);
    return (endpoint === "query" ? (body.data as { result: T }).result : body.data) as T;
  }

  /** Alerts an Alertmanager holds, with their state (active, suppressed) and what inhibits them. */
  async alertmanagerAlerts(i = 0): Promise<{ fingerprint: string; labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[]> {
    const r = await fetch(`${this.urls.alertmanager[i]}/api/v2/alerts`, { signal: AbortSignal.timeout(5000) });
    return (await r.json()) as never;
  }

  /** Resolves when every Prometheus scrapes and probes a healthy API with its rules loaded and both Alertmanagers have formed a cluster. */
  async ready(timeoutMs = 90_000, progress: (step: string) => void = () => {}): Promise<void> {
    const job = this.config.licenseApi.job;
    for (let i = 0; i < this.ports.prometheus.length; i++) {
      progress(`prometheus-${i}: waiting for the first scrape`);
      await this.until(async () => (await this.query(`up{job="${job}"} == 1`, i).catch(() => [])).length > 0, timeoutMs, `prometheus-${i} to scrape the API`);
      progress(`prometheus-${i}: waiting for the first probe`);
      await this.until(async () => (await this.query(`probe_success{job="${job}-health"} == 1`, i).catch(() => [])).length > 0, timeoutMs, `prometheus-${i} to probe the API`);
      progress(`prometheus-${i}: waiting for the rules to load`);
      await this.until(async () => (await this.query("ALERTS{alertname=\"Watchdog\"}", i).catch(() => [])).length > 0 || !this.rules.some((g) => g.rules.some((r) => "alert" in r && r.alert === "Watchdog")), timeoutMs, `prometheus-${i} to load the rules`);
    }
    const placed = managedPlacements(this.config);
    if (placed.seats && this.options.labelScheme === "contract") {
      progress("managed-evaluator: waiting for the first scrape of the seats exporter");
      await this.until(async () => (await this.queryManaged(`up{job="${seatsJob(this.config)}"} == 1`).catch(() => [])).length > 0, timeoutMs, "the managed evaluator's stand-in to scrape the seats exporter");
    }
    if (placed.backstop) {
      progress("managed-evaluator: waiting for the backstop's first scrapes of the replicas and the probes");
      const scraped = async (expr: string) => (await this.queryManaged(expr).catch(() => [])).length > 0;
      await this.until(
        async () => (await scraped(`count(up{job="${clusterPagesJob(this.config)}"} == 1) == ${this.ports.prometheus.length}`)) && (await scraped(`probe_success{job="${probeJob(this.config)}"} == 1`)),
        timeoutMs,
        "the managed evaluator's stand-in to scrape the Prometheus replicas and the probes",
      );
    }
    await this.alertmanagersReady(timeoutMs, progress);
  }

  /** Resolves when every Alertmanager is up and they have formed a cluster (after one was killed and restarted, say). */
  async alertmanagersReady(timeoutMs = 90_000, progress: (step: string) => void = () => {}): Promise<void> {
    for (let i = 0; i < this.ports.alertmanager.length; i++) {
      progress(`alertmanager-${i}: waiting for the cluster`);
      await this.until(async () => {
        const r = await fetch(`${this.urls.alertmanager[i]}/api/v2/status`).catch(() => undefined);
        const status = r?.ok ? ((await r.json()) as { cluster: { status: string; peers: unknown[] } }) : undefined;
        return status?.cluster.status === "ready" && status.cluster.peers.length === this.ports.alertmanager.length;
      }, timeoutMs, `alertmanager-${i} to join the cluster`);
    }
  }

  async until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
  }

  /** The first delivery after `since` that matches, or undefined when none arrives in time. */
  waitForDelivery(match: (d: Delivery) => boolean, since: number, timeoutMs: number): Promise<Delivery | undefined> {
    const found = this.receivers.deliveries.find((d) => d.at >= since && match(d));
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const onDelivery = (d: Delivery) => {
        if (d.at >= since && match(d)) finish(d);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const finish = (d: Delivery | undefined) => {
        clearTimeout(timer);
        this.off("delivery", onDelivery);
        resolve(d);
      };
      this.on("delivery", onDelivery);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.uptimeCheck.stop();
    this.heartbeat.stop();
    process.off("exit", this.onExit);
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            const force = setTimeout(() => p.child.kill("SIGKILL"), 3000);
            p.child.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
            p.child.kill("SIGTERM");
          }),
      ),
    );
    await this.receivers.stop();
  }

  /** Synchronous last resort for process exit handlers: no child outlives the stack. */
  killAll() {
    this.stopping = true;
    for (const p of this.procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export type { Delivery };
