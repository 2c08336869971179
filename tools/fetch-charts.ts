// npm run charts:fetch — pulls every pinned chart (render/charts.ts) into .cache/charts. Offline, set
// CHART_MIRROR to a local Helm repository folder holding the same versions.
import { CHARTS } from "../render/charts";
import { ChartVersionError, fetchChart } from "./chart-cache";

async function main(): Promise<void> {
  const mirror = process.env.CHART_MIRROR || undefined;
  for (const pin of Object.values(CHARTS)) {
    const result = await fetchChart(pin, { mirror });
    console.log(`chart ${pin.chart} ${pin.version}: ${result}`);
  }
}

main().catch((e: Error) => {
  console.error(e instanceof ChartVersionError ? `charts:fetch: ${e.message}` : e.stack ?? e.message);
  process.exit(1);
});
