// What the tests that start a real server (Prometheus, Alertmanager) share: waiting until it says it is
// ready, and stopping it with the wait for its exit (each writes or holds files its test then removes).
import type { ChildProcess } from "child_process";

/** Polls `<url>/-/ready` every 200 ms until it answers 200, for at most `attempts` tries. */
export async function untilReady(url: string, what: string, attempts = 150): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    if (i > attempts) throw new Error(`${what} did not become ready at ${url} (run scripts/ensure-tools.sh)`);
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
