// Runs the real Prometheus/Alertmanager command-line tools on rendered artifacts.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INSTALL_HINT } from "../tools/binaries";

export function run(command: string, args: string[], cwd?: string): { code: number; output: string; stdout: string } {
  const r = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error(`${command} could not run (${r.error.message}); ${INSTALL_HINT}`);
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** Writes files into a fresh temporary folder and returns its path. */
export function writeTemp(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-"));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
