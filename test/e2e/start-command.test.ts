// `npm start` as a person runs it: it comes up, and whatever ends it (Ctrl-C, or one of its children
// dying) leaves no process behind.
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";

const BASE_PORT = 39090;
const WORK_DIR = path.join(PROJECT_ROOT, ".local", "staging");

/** Processes started for this run: the tools name the work dir in their flags, the simulator its ports. */
function leftovers(): string[] {
  const ps = spawnSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).stdout.split("\n");
  return ps.filter((line) => (line.includes(WORK_DIR) || line.includes(`"apiPort":${BASE_PORT + 40}`)) && !line.includes("ps -eo"));
}

function start(): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", "local/start.ts", "--stack", "staging", "--base-port", String(BASE_PORT)], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
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
});

test("npm start shows the URLs, then Ctrl-C stops every process it started", async () => {
  const run = start();
  await until(() => run.output().includes("Ctrl-C stops everything."), 120_000, "the stack to come up");
  expect(run.output()).toContain(`Prometheus       http://127.0.0.1:${BASE_PORT}`);
  expect(leftovers().length).toBeGreaterThanOrEqual(5);
  run.child.kill("SIGINT");
  expect(await run.exited).toBe(0);
  expect(leftovers()).toEqual([]);
}, 150_000);

test("when a child crashes, npm start says which and stops everything else", async () => {
  const run = start();
  await until(() => run.output().includes("Ctrl-C stops everything."), 120_000, "the stack to come up");
  const blackbox = leftovers().find((line) => line.includes("prometheus-blackbox-exporter"))!;
  process.kill(Number(blackbox.trim().split(/\s+/)[0]), "SIGKILL");
  expect(await run.exited).toBe(1);
  expect(run.output()).toMatch(/blackbox exited unexpectedly/);
  expect(leftovers()).toEqual([]);
}, 150_000);
