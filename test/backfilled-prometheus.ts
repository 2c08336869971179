// A real Prometheus serving series backfilled from an OpenMetrics file by `promtool tsdb
// create-blocks-from openmetrics`: what the tests that read months of data, or data of both label
// schemes at once, query through Prometheus's own HTTP API.
import { spawn, spawnSync, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { INSTALL_HINT, PROMETHEUS, PROMTOOL } from "../tools/binaries";
import { stopAndWait, untilReady } from "./served-process";

export class BackfilledPrometheus {
  readonly url: string;
  private proc?: ChildProcess;

  constructor(private readonly port: number) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /**
   * Backfills `openMetricsFile` (in `dir`) into `dir`/tsdb, then starts Prometheus on it (with
   * `serveFlags` besides its own) and waits until it is ready.
   */
  async start(dir: string, openMetricsFile: string, backfillFlags: string[] = [], serveFlags: string[] = []): Promise<void> {
    const blocks = spawnSync(PROMTOOL, ["tsdb", "create-blocks-from", "openmetrics", ...backfillFlags, openMetricsFile, "tsdb"], { cwd: dir, encoding: "utf8" });
    if (blocks.status !== 0) throw new Error(`promtool could not backfill (${INSTALL_HINT}): ${blocks.error?.message ?? blocks.stderr}`);
    fs.writeFileSync(path.join(dir, "prometheus.yml"), "global: {}\n");
    const log = fs.openSync(path.join(dir, "prometheus.log"), "a");
    this.proc = spawn(
      PROMETHEUS,
      // Retention far longer than the data's age: the backfilled blocks are not deleted on start.
      ["--config.file=prometheus.yml", "--storage.tsdb.path=tsdb", "--storage.tsdb.retention.time=36500d", `--web.listen-address=127.0.0.1:${this.port}`, ...serveFlags],
      { cwd: dir, stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    await untilReady(this.url, "Prometheus", this.proc, path.join(dir, "prometheus.log"));
  }

  /** Stops it and waits for it to exit, so that its data folder can be removed. */
  async stop(): Promise<void> {
    await stopAndWait(this.proc);
  }
}
