// `npm start` as a person runs it: it comes up, and whatever ends it (Ctrl-C, or one of its children
// dying) leaves no process behind. It runs in a folder of its own and looks only at the processes it
// started, so a developer's own `npm start` (in .local/staging) is neither emptied nor killed.
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SEAT_AGGREGATES, seatsJob } from "../../lib/identities";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { stackConfigForRender } from "../../render/cli";

const BASE_PORT = 30400;
let workDir: string;
/** Process group of the run under test: npm start leads its own, and every child it spawns is in it. */
let group: number | undefined;

beforeEach(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-npm-start-"));
});

/** Processes of this run still alive: its process group, which its children keep after it exits. */
function leftovers(): string[] {
  if (group === undefined) return [];
  const ps = spawnSync("ps", ["-eo", "pid=,pgid=,stat=,args="], { encoding: "utf8" }).stdout.split("\n");
  return ps.filter((line) => {
    const [, pgid, stat] = line.trim().split(/\s+/);
    // A zombie has exited; it only waits for its parent to read its status.
    return Number(pgid) === group && !stat?.startsWith("Z");
  });
}

function start(...flags: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "local/start.ts", "--stack", "staging", "--base-port", String(BASE_PORT), "--work-dir", workDir, ...flags], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  group = child.pid;
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

afterEach(() => {
  for (const line of leftovers()) process.kill(Number(line.trim().split(/\s+/)[0]), "SIGKILL");
  group = undefined;
  fs.rmSync(workDir, { recursive: true, force: true });
});

test("npm start shows the URLs, then Ctrl-C stops every process it started", async () => {
  const run = start();
  await until(() => run.output().includes("Ctrl-C stops everything."), 120_000, "the stack to come up");
  expect(run.output()).toContain(`Prometheus       http://127.0.0.1:${BASE_PORT}`);
  expect(run.output()).toContain(`logs in ${workDir}/`);
  expect(run.output()).toContain("ADR-019's labels: license_key");
  expect(leftovers().length).toBeGreaterThanOrEqual(5);
  run.child.kill("SIGINT");
  expect(await run.exited).toBe(0);
  expect(leftovers()).toEqual([]);
}, 150_000);

test("with --labels contract the seats exporter reports each license once by license_id, and the seat rules read it", async () => {
  const run = start("--labels", "contract");
  await until(() => run.output().includes("Ctrl-C stops everything."), 120_000, "the stack to come up");
  expect(run.output()).toContain("the metric contract's labels: license_id");
  const url = (label: string) => new RegExp(`${label}:?\\s+(http:\\/\\/\\S+)`).exec(run.output())![1];
  const [api, seats] = await Promise.all([url("metrics"), url("Seats exporter")].map(async (u) => (await fetch(u)).text()));
  // The API's replicas no longer export any license's gauges; the seats exporter does, once each.
  expect(api).not.toMatch(/^(active_sessions|license_seat_utilisation_ratio)\{/m);
  expect(api).not.toContain("license_key");
  expect(seats).toMatch(/^active_sessions\{[^}]*license_id="/m);
  expect(seats).toMatch(/^license_seat_utilisation_ratio\{[^}]*license_id="/m);
  // Prometheus stores them under the seats job, named after its Service, and the seat panels' aggregate reads them.
  const query = async (q: string) =>
    ((await (await fetch(`http://127.0.0.1:${BASE_PORT}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as { data: { result: { metric: Record<string, string> }[] } }).data.result;
  let fullest: { metric: Record<string, string> }[] = [];
  const deadline = Date.now() + 150_000;
  while (fullest.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    fullest = await query(SEAT_AGGREGATES.utilisationFullest);
  }
  expect(fullest.length).toBe(1);
  // npm start runs the prod stack unless told otherwise.
  const c = stackConfigForRender("prod");
  const stored = await query(`license_seat_utilisation_ratio{job="${seatsJob(c)}"}`);
  expect(stored.length).toBeGreaterThan(0);
  for (const s of stored) expect({ id: s.metric.license_id, key: s.metric.license_key, instance: s.metric.instance }).toEqual({ id: expect.stringMatching(/.+/), key: undefined, instance: c.licenseApi.seats.service });
  run.child.kill("SIGINT");
  expect(await run.exited).toBe(0);
  expect(leftovers()).toEqual([]);
}, 300_000);

test("an unknown label scheme is refused before anything starts", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "local/start.ts", "--labels", "mine", "--work-dir", workDir], { cwd: PROJECT_ROOT, encoding: "utf8" });
  expect(r.stderr).toContain("--labels must be one of contract, adr, got mine");
  expect(r.status).toBe(2);
});

test("when a child crashes, npm start says which and stops everything else", async () => {
  const run = start();
  await until(() => run.output().includes("Ctrl-C stops everything."), 120_000, "the stack to come up");
  const blackbox = leftovers().find((line) => line.includes("prometheus-blackbox-exporter"))!;
  process.kill(Number(blackbox.trim().split(/\s+/)[0]), "SIGKILL");
  expect(await run.exited).toBe(1);
  expect(run.output()).toMatch(/blackbox exited unexpectedly/);
  expect(leftovers()).toEqual([]);
}, 150_000);
