// Prometheus-style durations ("15s", "5m", "1h30m"), the unit every timing in the stack config uses.

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

export const DURATION_PATTERN = /^(\d+(ms|s|m|h|d|w|y))+$/;

/** Seconds in a Prometheus duration; throws on anything Prometheus itself would reject. */
export function seconds(duration: string): number {
  if (!DURATION_PATTERN.test(duration)) {
    throw new Error(`"${duration}" is not a Prometheus duration (e.g. 30s, 5m, 1h)`);
  }
  let total = 0;
  for (const [, count, unit] of duration.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) {
    total += Number(count) * UNIT_SECONDS[unit];
  }
  return total;
}

/** The shortest Prometheus duration for a whole number of seconds ("90s" -> "1m30s"). */
export function duration(totalSeconds: number): string {
  if (!Number.isInteger(totalSeconds) || totalSeconds < 0) {
    throw new Error(`duration() takes whole non-negative seconds, got ${totalSeconds}`);
  }
  if (totalSeconds === 0) return "0s";
  let rest = totalSeconds;
  let out = "";
  for (const unit of ["d", "h", "m", "s"]) {
    const size = UNIT_SECONDS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
