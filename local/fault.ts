// npm run fault -- <mode> [--base-port 19090]: injects a fault into a running `npm start`.
import { controlPort, portFlag } from "./cli-args";
import { FAULTS, isFault } from "./faults";

const argv = process.argv.slice(2);
const mode = argv.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
if (!mode || !isFault(mode)) {
  console.error(`usage: npm run fault -- <mode>\n${Object.entries(FAULTS).map(([m, what]) => `  ${m.padEnd(8)} ${what}`).join("\n")}`);
  process.exit(2);
}
fetch(`http://127.0.0.1:${controlPort(portFlag(argv))}/fault/${mode}`, { method: "POST" })
  .then(async (r) => {
    console.log((await r.text()).trim());
    process.exit(r.ok ? 0 : 1);
  })
  .catch(() => {
    console.error("no local stack is running: start one with `npm start`");
    process.exit(1);
  });
