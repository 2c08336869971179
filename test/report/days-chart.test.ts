// The report's daily chart as a person reads it: the worst day is the shortest bar, standing above the
// axis, on months whose worst day lies above and below the default scale alike.
import { daysChart } from "../../report/html";

/** Each day's bar height in the rendered SVG, in order. */
const heights = (svg: string) => [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));

const month = (availabilities: number[]) => ({
  objective: 0.999,
  days: availabilities.map((availability, i) => ({ label: `2026-09-${String(i + 1).padStart(2, "0")}`, availability, unknownMinutes: 0 })) as Parameters<typeof daysChart>[0]["days"],
});

test.each([
  ["a month within the default scale", [1, 0.9995, 0.995, 1]],
  ["a month with a day far below it (a 12-hour outage)", [1, 0.5, 0.9995, 0.98]],
  ["a month whose every day is the same bad day", [0.9, 0.9, 0.9]],
])("%s: the worst day is the shortest bar, visibly above the axis", (_, days) => {
  const h = heights(daysChart(month(days)));
  const worst = days.indexOf(Math.min(...days));
  const plot = 200 - 10 - 28;
  expect(h[worst]).toBe(Math.min(...h));
  expect(h[worst]).toBeGreaterThanOrEqual(0.05 * plot);
  // A perfect day is the full height.
  if (days.includes(1)) expect(Math.max(...h)).toBeCloseTo(plot, 0);
});
