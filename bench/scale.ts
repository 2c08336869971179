// npm run bench:scale [-- --sizes 1000,10000,50000,100000] [--schemes adr,contract] [--minutes 6]
//                      [--measure-minutes 2] [--previous <rules.yml>] [--rule-sets ours,adr]
// What the rules cost as licenses grow: for each label scheme and number of licenses, a synthetic
// license API (three replicas) and, side by side, one real Prometheus per rule set scraping it every
// 15 s: this stack's prod rules, ADR-019's rules and, with --previous, any other rules file (an older
// version of ours). After the run's first minutes (rate windows filling) it reads each Prometheus's
// own metrics for --measure-minutes and prints, per rule set: the slowest group's evaluation time as
// a share of its interval, evaluations skipped, rule evaluation time per second (the CPU the rules
// take, near enough: evaluation is CPU-bound), the process's CPU, head series and memory.
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../lib/stack-file";
import { toYaml } from "../lib/yaml";
import { flag } from "../local/cli-args";
import { loadLocalConfig, sleep } from "../local/stack";
import { renderRuleGroups, type RuleGroup } from "../rules";
import { LABEL_SCHEMES, type LabelScheme } from "../rules/metric-contract";
import { PROMETHEUS } from "../tools/binaries";
import { ADR_RULES } from "./adr-rules";
import { serveSyntheticApi } from "./synthetic-api";
import { seatsJobConfig } from "../render/prometheus-config";

const API_PORTS = [38100, 38101, 38102];
const SEATS_PORT = 38103;
const PROMETHEUS_BASE_PORT = 38110;
const POLL_MS = 5_000;
/** The capacity targets (docs/capacity.md): ADR-019's labels at 10k licenses, the contract's at 100k. */
const TARGETS = {
  adr: { licenses: 10_000, maxShare: 0.25, maxRatio: 1.5 },
  contract: { licenses: 100_000, maxShare: 0.1 },
};

const argv = process.argv.slice(2);
const sizes = (flag(argv, "sizes") ?? "1000,10000,50000,100000").split(",").map(Number);
const schemes = (flag(argv, "schemes") ?? LABEL_SCHEMES.join(",")).split(",") as LabelScheme[];
for (const s of schemes) if (!LABEL_SCHEMES.includes(s)) throw new Error(`--schemes: unknown scheme ${s} (${LABEL_SCHEMES.join(", ")})`);
const minutes = Number(flag(argv, "minutes") ?? 6);
const measureMinutes = Number(flag(argv, "measure-minutes") ?? 2);
const previous = flag(argv, "previous");
if (!(measureMinutes > 0 && measureMinutes < minutes)) throw new Error("--measure-minutes must be more than 0 and less than --minutes");

interface RuleSet {
  name: string;
  rulesYaml: string;
}
const allRuleSets: RuleSet[] = [
  { name: "ours", rulesYaml: toYaml({ groups: renderRuleGroups(loadLocalConfig("prod")) }) },
  { name: "adr", rulesYaml: toYaml({ groups: ADR_RULES satisfies RuleGroup[] }) },
  ...(previous ? [{ name: "previous", rulesYaml: fs.readFileSync(previous, "utf8") }] : []),
];
// --rule-sets ours: this stack's rules with the machine to themselves (no comparison, no ratio).
const only = flag(argv, "rule-sets")?.split(",");
for (const n of only ?? []) if (!allRuleSets.some((r) => r.name === n)) throw new Error(`--rule-sets: unknown rule set ${n} (${allRuleSets.map((r) => r.name).join(", ")})`);
const ruleSets = only ? allRuleSets.filter((r) => only.includes(r.name)) : allRuleSets;

/** One Prometheus's own metrics, as a map from series (name and labels as written) to value. */
async function selfMetrics(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** Each rule's last evaluation time in seconds, keyed "group / rule", from the rules API. */
async function ruleTimes(port: number): Promise<Map<string, number>> {
  type Rules = { data: { groups: { name: string; rules: { name: string; evaluationTime: number }[] }[] } };
  const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/rules`)).json()) as Rules;
  return new Map(body.data.groups.flatMap((g) => g.rules.map((r, i) => [`${g.name} / ${i + 1}. ${r.name}`, r.evaluationTime] as const)));
}

const groupOf = (series: string) => /rule_group="[^;"]*;([^"]*)"/.exec(series)?.[1] ?? "";
const byGroup = (m: Map<string, number>, name: string) =>
  new Map([...m].filter(([k]) => k.startsWith(`${name}{`)).map(([k, v]) => [groupOf(k), v]));

interface Result {
  scheme: LabelScheme;
  licenses: number;
  rules: string;
  groups: { group: string; interval: number; maxSeconds: number; meanSeconds: number; share: number }[];
  /** Mean evaluation time of each rule, costliest first. */
  rulesByCost: { rule: string; meanSeconds: number }[];
  skipped: number;
  ruleSecondsPerSecond: number;
  cpuCores: number;
  headSeries: number;
  memoryBytes: number;
}

async function runSize(scheme: LabelScheme, licenses: number): Promise<Result[]> {
  const stop = await serveSyntheticApi(API_PORTS, SEATS_PORT, licenses, scheme);
  const prod = loadLocalConfig("prod");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-scale-${scheme}-${licenses}-`));
  const procs: ChildProcess[] = [];
  const instances = ruleSets.map((r, i) => {
    const home = path.join(dir, r.name);
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, "rules.yml"), r.rulesYaml);
    fs.writeFileSync(
      path.join(home, "prometheus.yml"),
      toYaml({
        global: { scrape_interval: "15s", scrape_timeout: "10s", evaluation_interval: "15s" },
        rule_files: ["rules.yml"],
        scrape_configs: [
          { job_name: prod.licenseApi.job, static_configs: [{ targets: API_PORTS.map((p) => `127.0.0.1:${p}`) }] },
          // The seats exporter, as the stack scrapes it (an API exporting ADR-019's labels has none).
          ...(scheme === "contract" ? [{ ...seatsJobConfig(prod, `127.0.0.1:${SEATS_PORT}`), sample_limit: 0 }] : []),
        ],
      }),
    );
    const port = PROMETHEUS_BASE_PORT + i;
    const logs = fs.openSync(path.join(home, "prometheus.log"), "a");
    const child = spawn(
      PROMETHEUS,
      [`--config.file=${path.join(home, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(home, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
      { cwd: home, stdio: ["ignore", logs, logs] },
    );
    procs.push(child);
    return { rules: r.name, port };
  });
  try {
    process.stdout.write(`${scheme} labels, ${licenses} licenses: ${minutes} min (measuring the last ${measureMinutes})\n`);
    await sleep((minutes - measureMinutes) * 60_000);
    const first = await Promise.all(instances.map((p) => selfMetrics(p.port)));
    const maxDuration = instances.map(() => new Map<string, number>());
    const durations = instances.map(() => new Map<string, number[]>());
    const maxMemory = instances.map(() => 0);
    const perRule = instances.map(() => new Map<string, number[]>());
    const startedAt = Date.now();
    let last = first;
    while (Date.now() - startedAt < measureMinutes * 60_000) {
      await sleep(POLL_MS);
      last = await Promise.all(instances.map((p) => selfMetrics(p.port)));
      const times = await Promise.all(instances.map((p) => ruleTimes(p.port)));
      times.forEach((m, i) => m.forEach((v, rule) => perRule[i].set(rule, [...(perRule[i].get(rule) ?? []), v])));
      last.forEach((m, i) => {
        for (const [g, v] of byGroup(m, "prometheus_rule_group_last_duration_seconds")) {
          maxDuration[i].set(g, Math.max(maxDuration[i].get(g) ?? 0, v));
          durations[i].set(g, [...(durations[i].get(g) ?? []), v]);
        }
        maxMemory[i] = Math.max(maxMemory[i], m.get("process_resident_memory_bytes") ?? 0);
      });
    }
    const seconds = (Date.now() - startedAt) / 1000 + POLL_MS / 1000;
    const delta = (i: number, series: string) => ((last[i].get(series) ?? 0) - (first[i].get(series) ?? 0)) / seconds;
    return instances.map((p, i) => {
      const intervals = byGroup(last[i], "prometheus_rule_group_interval_seconds");
      const groups = [...intervals].map(([group, interval]) => {
        const maxSeconds = maxDuration[i].get(group) ?? 0;
        const seen = durations[i].get(group) ?? [0];
        return { group, interval, maxSeconds, meanSeconds: seen.reduce((a, b) => a + b, 0) / seen.length, share: maxSeconds / interval };
      });
      return {
        scheme,
        licenses,
        rules: p.rules,
        groups,
        rulesByCost: [...perRule[i]].map(([rule, seen]) => ({ rule, meanSeconds: seen.reduce((a, b) => a + b, 0) / seen.length })).sort((a, b) => b.meanSeconds - a.meanSeconds),
        skipped: [...byGroup(last[i], "prometheus_rule_group_iterations_missed_total").values()].reduce((a, b) => a + b, 0),
        ruleSecondsPerSecond: delta(i, "prometheus_rule_group_duration_seconds_sum"),
        cpuCores: delta(i, "process_cpu_seconds_total"),
        headSeries: last[i].get("prometheus_tsdb_head_series") ?? 0,
        memoryBytes: maxMemory[i],
      };
    });
  } finally {
    for (const child of procs) child.kill("SIGTERM");
    await Promise.all(procs.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once("exit", resolve)))));
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const num = (x: number) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(0)} k` : String(Math.round(x)));
const slowest = (r: Result) => r.groups.reduce((a, b) => (b.share > a.share ? b : a), { group: "—", interval: 0, maxSeconds: 0, share: 0 });

function summary(results: Result[]): string {
  const rows = results.map((r) => {
    const adr = results.find((x) => x.scheme === r.scheme && x.licenses === r.licenses && x.rules === "adr");
    const s = slowest(r);
    return `| ${r.scheme} | ${r.licenses.toLocaleString("en")} | ${r.rules} | ${num(r.headSeries)} | ${s.group} ${s.maxSeconds.toFixed(2)} s (${pct(s.share)}) | ${r.skipped} | ${r.ruleSecondsPerSecond.toFixed(3)} | ${adr && adr !== r ? `${(r.ruleSecondsPerSecond / adr.ruleSecondsPerSecond).toFixed(1)}x` : "—"} | ${r.cpuCores.toFixed(2)} | ${(r.memoryBytes / 2 ** 30).toFixed(2)} GiB |`;
  });
  return [
    "| labels | licenses | rules | head series | slowest group: max evaluation (share of interval) | evaluations skipped | rule evaluation s/s | vs ADR's | process CPU (cores) | memory (RSS) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function groupsTable(results: Result[]): string {
  const rows = results.flatMap((r) =>
    r.groups.map((g) => `| ${r.scheme} | ${r.licenses.toLocaleString("en")} | ${r.rules} | ${g.group} | ${g.interval} s | ${g.meanSeconds.toFixed(3)} s | ${g.maxSeconds.toFixed(3)} s | ${pct(g.share)} |`),
  );
  return ["| labels | licenses | rules | group | interval | mean evaluation | max evaluation | max share |", "| --- | --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** Where the time goes: the costliest rules of each rule set. */
function rulesTable(results: Result[], top = 8): string {
  const rows = results.flatMap((r) =>
    r.rulesByCost.slice(0, top).map((x) => `| ${r.scheme} | ${r.licenses.toLocaleString("en")} | ${r.rules} | ${x.rule} | ${x.meanSeconds.toFixed(3)} s |`),
  );
  return ["| labels | licenses | rules | group / rule | mean evaluation |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** The capacity targets, for the sizes this run measured. */
function verdicts(results: Result[]): { line: string; met: boolean }[] {
  const out: { line: string; met: boolean }[] = [];
  const at = (scheme: LabelScheme, licenses: number, rules: string) => results.find((r) => r.scheme === scheme && r.licenses === licenses && r.rules === rules);
  const ours = at("adr", TARGETS.adr.licenses, "ours");
  const adr = at("adr", TARGETS.adr.licenses, "adr");
  if (ours && adr) {
    const share = slowest(ours).share;
    const ratio = ours.ruleSecondsPerSecond / adr.ruleSecondsPerSecond;
    out.push({ line: `ADR-019's labels, ${TARGETS.adr.licenses} licenses: slowest group ${pct(share)} (target ≤ ${pct(TARGETS.adr.maxShare)})`, met: share <= TARGETS.adr.maxShare });
    out.push({ line: `ADR-019's labels, ${TARGETS.adr.licenses} licenses: ${ours.skipped} evaluations skipped (target 0)`, met: ours.skipped === 0 });
    out.push({ line: `ADR-019's labels, ${TARGETS.adr.licenses} licenses: rule time ${ratio.toFixed(2)}x the ADR's (target ≤ ${TARGETS.adr.maxRatio}x)`, met: ratio <= TARGETS.adr.maxRatio });
  }
  const contract = at("contract", TARGETS.contract.licenses, "ours");
  if (contract) {
    const share = slowest(contract).share;
    out.push({ line: `contract labels, ${TARGETS.contract.licenses} licenses: slowest group ${pct(share)} (target ≤ ${pct(TARGETS.contract.maxShare)})`, met: share <= TARGETS.contract.maxShare });
  }
  return out;
}

async function main() {
  const results: Result[] = [];
  for (const scheme of schemes) for (const licenses of sizes) results.push(...(await runSize(scheme, licenses)));
  const out = path.join(PROJECT_ROOT, ".local", "bench");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "scale.json"), JSON.stringify({ at: new Date().toISOString(), cores: os.cpus().length, results }, null, 2));
  process.stdout.write(`\n${summary(results)}\n\n${groupsTable(results)}\n\n${rulesTable(results)}\n\n`);
  const v = verdicts(results);
  for (const x of v) process.stdout.write(`${x.met ? "met" : "NOT MET"}: ${x.line}\n`);
  process.stdout.write(`(load average ${os.loadavg().map((x) => x.toFixed(2)).join(", ")} on ${os.cpus().length} cores; written to .local/bench/scale.json)\n`);
  if (v.some((x) => !x.met)) process.exitCode = 1;
}

void main();
