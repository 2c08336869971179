// Where the real Helm and the pinned charts live on this machine, and how a pinned chart gets there:
// `helm pull` of the exact version from the chart's own repository, or from an offline mirror (a Helm
// repository on disk: index.yaml plus the archives) named by CHART_MIRROR. Either way the version must
// be in the repository's index, the archive must match the index's sha256 digest, and the chart must
// deploy the application version the pin expects.
import { spawn, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../lib/stack-file";
import type { ChartPin } from "../render/charts";

export const CACHE_DIR = path.join(PROJECT_ROOT, ".cache");
/** Put there by scripts/ensure-helm.sh. */
export const HELM = path.join(CACHE_DIR, "bin", "helm");
const CHARTS_DIR = path.join(CACHE_DIR, "charts");

export function chartArchive(pin: ChartPin, dir = CHARTS_DIR): string {
  return path.join(dir, `${pin.chart}-${pin.version}.tgz`);
}

/** A pinned version the repository does not have: names the chart, the version and what exists. */
export class ChartVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChartVersionError";
  }
}

interface IndexEntry {
  version: string;
  appVersion?: string;
  digest?: string;
}

export interface FetchOptions {
  /** A Helm repository folder to use instead of the chart's own repository (CHART_MIRROR). */
  mirror?: string;
  /** Where archives are cached; defaults to .cache/charts. */
  cacheDir?: string;
}

export type FetchResult = "cached" | "fetched";

/** Makes chartArchive(pin) exist and verified; throws ChartVersionError for a version that was never released. */
export async function fetchChart(pin: ChartPin, options: FetchOptions = {}): Promise<FetchResult> {
  const cacheDir = options.cacheDir ?? CHARTS_DIR;
  const archive = chartArchive(pin, cacheDir);
  const digestFile = `${archive}.sha256`;
  if (fs.existsSync(archive) && fs.existsSync(digestFile) && sha256(archive) === fs.readFileSync(digestFile, "utf8").trim()) {
    return "cached";
  }
  const where = options.mirror ? `the chart mirror ${options.mirror}` : pin.repo;
  return withRepository<FetchResult>(options.mirror ?? pin.repo, async (repoUrl) => {
    const response = await fetch(`${repoUrl}/index.yaml`).catch((e: Error) => {
      throw new Error(`${pin.chart} ${pin.version}: cannot read the index of ${where} (${e.message}); set CHART_MIRROR to a local chart mirror when offline`);
    });
    if (!response.ok) throw new Error(`${pin.chart} ${pin.version}: ${where}/index.yaml answered HTTP ${response.status}`);
    const index = parse(await response.text()) as { entries?: Record<string, IndexEntry[]> };
    const entries = index.entries?.[pin.chart] ?? [];
    if (entries.length === 0) throw new ChartVersionError(`chart ${pin.chart} is not in ${where}`);
    const entry = entries.find((e) => e.version === pin.version);
    if (!entry) {
      const versions = entries.map((e) => e.version).sort(compareVersionsDescending);
      const shown = versions.length > 15 ? `${versions.slice(0, 15).join(", ")}, … (${versions.length} in all)` : versions.join(", ");
      throw new ChartVersionError(`chart ${pin.chart} version ${pin.version} does not exist in ${where}; versions there: ${shown}`);
    }
    if (entry.appVersion !== pin.appVersion) {
      throw new ChartVersionError(`chart ${pin.chart} ${pin.version} deploys ${entry.appVersion ?? "no app version"}, but its pin says ${pin.appVersion}: update render/charts.ts`);
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const staging = fs.mkdtempSync(path.join(cacheDir, ".pull-"));
    try {
      const pulled = await helmAsync(["pull", pin.chart, "--repo", repoUrl, "--version", pin.version, "--destination", staging]);
      if (pulled.status !== 0) throw new Error(`helm pull ${pin.chart} ${pin.version} from ${where} failed:\n${pulled.output}`);
      const file = path.join(staging, path.basename(archive));
      const digest = sha256(file);
      if (entry.digest && digest !== entry.digest) {
        throw new Error(`${pin.chart} ${pin.version} from ${where} has sha256 ${digest}, but its index says ${entry.digest}`);
      }
      fs.renameSync(file, archive);
      fs.writeFileSync(digestFile, `${digest}\n`);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    return "fetched";
  });
}

export interface HelmResult {
  status: number;
  stdout: string;
  output: string;
}

function helmEnv(): NodeJS.ProcessEnv {
  if (!fs.existsSync(HELM)) throw new Error(`${HELM} is missing: run scripts/ensure-helm.sh (npm test does)`);
  const home = path.join(CACHE_DIR, "helm-home");
  // Helm's own config and cache stay inside the project's cache folder, not the user's.
  return { ...process.env, HELM_CACHE_HOME: path.join(home, "cache"), HELM_CONFIG_HOME: path.join(home, "config"), HELM_DATA_HOME: path.join(home, "data") };
}

/** Runs the real Helm. */
export function helm(args: string[]): HelmResult {
  const r = spawnSync(HELM, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: helmEnv() });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, output: `${r.stdout}${r.stderr}` };
}

/** Runs the real Helm without blocking this process (which may be serving the mirror Helm reads). */
function helmAsync(args: string[]): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(HELM, args, { env: helmEnv() });
    let stdout = "";
    let output = "";
    child.stdout.on("data", (d: Buffer) => ((stdout += d), (output += d)));
    child.stderr.on("data", (d: Buffer) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, output }));
  });
}

function sha256(file: string): string {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function compareVersionsDescending(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i] ?? 0, pb[i] ?? 0];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return y - x;
    return String(y).localeCompare(String(x));
  }
  return 0;
}

/** A mirror folder is served on loopback for the duration of `use`, so `helm pull --repo` reads it as it reads a real repository. */
async function withRepository<T>(source: string, use: (repoUrl: string) => Promise<T>): Promise<T> {
  if (/^https?:\/\//.test(source)) return use(source.replace(/\/$/, ""));
  const root = path.resolve(source);
  if (!fs.existsSync(path.join(root, "index.yaml"))) throw new Error(`CHART_MIRROR=${source} is not a Helm repository (no index.yaml)`);
  const server = http.createServer((req, res) => {
    const file = path.join(root, path.normalize(decodeURIComponent((req.url ?? "/").split("?")[0])));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
