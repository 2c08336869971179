// How figures read in both renderings: percentages to three decimals, durations in h/m/s, times in
// the report's time zone.
import { DateTime } from "luxon";

export const percent = (x: number, decimals = 3) => `${(x * 100).toFixed(decimals)} %`;

export function duration(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  if (h) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m) return sec ? `${m}m ${String(sec).padStart(2, "0")}s` : `${m}m`;
  return `${sec}s`;
}

export const time = (t: number, zone: string) => DateTime.fromSeconds(t, { zone }).toFormat("yyyy-MM-dd HH:mm:ss");

export const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
