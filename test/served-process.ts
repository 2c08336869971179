// What the tests that start a real server (Prometheus, Alertmanager) share: waiting until it says it is
// ready, and stopping it with the wait for its exit (each writes or holds files its test then removes).
import type { ChildProcess } from "child_process";
import * as fs from "fs";
import { INSTALL_HINT } from "../tools/binaries";

/**
 * Polls `<url>/-/ready` until it answers 200, for at most `timeoutMs` (a loaded machine opens a
 * backfilled TSDB slowly). Fails at once if the process exits, with the end of its log.
 */
export async function untilReady(url: string, what: string, proc: ChildProcess, logFile: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n") : "(no log)");
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${what} exited (${proc.exitCode ?? proc.signalCode}) before it was ready at ${url}:\n${log()}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000} s (${INSTALL_HINT}):\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops the process, if it still runs, and waits for it to exit. */
export async function stopAndWait(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise((r) => {
    proc.once("exit", r);
    proc.kill();
  });
}
