// Every Prometheus replica's record of the SLI, merged into one account of each evaluation interval of
// a period: the API could not answer (down), it could (up), or no replica recorded anything (unknown).
// A replica that was not running, not yet scraping, or on a new volume has no sample for that time,
// so it has no say in it; the others decide. Of the replicas that recorded an interval, it is downtime
// only when every one of them saw the API unable to answer: when the probes of one got through,
// customers' requests could too, and the other's failure was its own path's.
import type { Period } from "./month";

export type State = "down" | "up" | "unknown";

/** The state of each evaluation interval [start + i·step, start + (i+1)·step) of the period. */
export function mergeReplicas(period: Period, stepSeconds: number, replicas: [number, number][][]): State[] {
  const n = Math.round((period.end - period.start) / stepSeconds);
  // Per interval: whether some replica recorded it, and whether every one that did saw the API down.
  const recorded = new Array<boolean>(n).fill(false);
  const allDown = new Array<boolean>(n).fill(true);
  for (const samples of replicas) {
    // A replica's own view of an interval: down if it saw the API down at any evaluation in it.
    const own = new Map<number, boolean>();
    for (const [t, v] of samples) {
      const i = Math.floor((t - period.start) / stepSeconds);
      if (i < 0 || i >= n) continue;
      own.set(i, (own.get(i) ?? false) || v >= 1);
    }
    for (const [i, down] of own) {
      recorded[i] = true;
      allDown[i] = allDown[i] && down;
    }
  }
  return recorded.map((r, i) => (!r ? "unknown" : allDown[i] ? "down" : "up"));
}

export interface Run {
  state: State;
  /** Unix seconds, start inclusive, end exclusive. */
  start: number;
  end: number;
}

/** Consecutive intervals of one state, as periods. */
export function runs(period: Period, stepSeconds: number, states: State[]): Run[] {
  const out: Run[] = [];
  states.forEach((state, i) => {
    const start = period.start + i * stepSeconds;
    const last = out[out.length - 1];
    if (last && last.state === state && last.end === start) last.end = start + stepSeconds;
    else out.push({ state, start, end: start + stepSeconds });
  });
  return out;
}

export const count = (states: State[], state: State) => states.filter((s) => s === state).length;
