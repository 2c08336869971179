// The fetch script against a Helm repository folder built here with the real Helm: the pinned chart is
// pulled and checked, a version that was never released stops it with a message naming the chart, the
// version and what exists, and an archive that does not match the index is refused.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CHARTS, type ChartPin } from "../../render/charts";
import { chartArchive, ChartVersionError, fetchChart, helm } from "../../tools/chart-cache";

const pin = CHARTS.blackboxExporter;
let repo: string;
let cache: string;

beforeAll(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-repo-"));
  cache = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-cache-"));
  fs.copyFileSync(chartArchive(pin), path.join(repo, path.basename(chartArchive(pin))));
  const indexed = helm(["repo", "index", repo]);
  if (indexed.status !== 0) throw new Error(indexed.output);
});

afterAll(() => {
  for (const dir of [repo, cache]) fs.rmSync(dir, { recursive: true, force: true });
});

test("pulls the pinned version, then reuses the verified archive", async () => {
  await expect(fetchChart(pin, { mirror: repo, cacheDir: cache })).resolves.toBe("fetched");
  expect(fs.readFileSync(chartArchive(pin, cache))).toEqual(fs.readFileSync(chartArchive(pin)));
  await expect(fetchChart(pin, { mirror: repo, cacheDir: cache })).resolves.toBe("cached");
});

test("a version that was never released fails with the chart, the version and the versions that exist", async () => {
  const unreleased: ChartPin = { ...pin, version: "11.7.1" };
  const failure = fetchChart(unreleased, { mirror: repo, cacheDir: cache });
  await expect(failure).rejects.toThrow(ChartVersionError);
  await expect(failure).rejects.toThrow(`chart prometheus-blackbox-exporter version 11.7.1 does not exist in the chart mirror ${repo}; versions there: ${pin.version}`);
});

test("a pin whose app version is not the chart's is refused", async () => {
  await expect(fetchChart({ ...pin, appVersion: "v0.1.0" }, { mirror: repo, cacheDir: fs.mkdtempSync(path.join(cache, "x-")) })).rejects.toThrow(
    /deploys v0\.28\.0, but its pin says v0\.1\.0/,
  );
});

test("an archive that does not match the repository index is refused", async () => {
  const tampered = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-repo-"));
  try {
    fs.copyFileSync(path.join(repo, "index.yaml"), path.join(tampered, "index.yaml"));
    fs.copyFileSync(chartArchive(pin), path.join(tampered, path.basename(chartArchive(pin))));
    fs.appendFileSync(path.join(tampered, path.basename(chartArchive(pin))), Buffer.alloc(16));
    await expect(fetchChart(pin, { mirror: tampered, cacheDir: fs.mkdtempSync(path.join(cache, "y-")) })).rejects.toThrow(/has sha256 [0-9a-f]{64}, but its index says/);
  } finally {
    fs.rmSync(tampered, { recursive: true, force: true });
  }
});
