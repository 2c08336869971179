// The events the outage benchmark stages on the local stack, and how many pages each must cause: a
// page is a PagerDuty incident opened, through any integration (Alertmanager's or the uptime check's),
// from the event's first fault until its tail has passed.
import type { Fault } from "../local/faults";
import type { LocalStack } from "../local/stack";
import { sleep } from "../local/stack";

export type OutageMode = "exit" | "hang" | "vanish";
export const OUTAGE_MODES: OutageMode[] = ["exit", "hang", "vanish"];

export interface EventResult {
  /** Seconds from each outage's fault to the first trigger after it (a page, or an update of an open incident). */
  triggers: (number | null)[];
  /** Incidents opened, as "<alerts> via <integration>". */
  pages: string[];
  /** Of those that page the API's trouble (the heartbeat service's pages the monitoring's), the ones resolved while the API was still down (before the event's last recovery). */
  resolvedWhileDown: number;
  /** Of those, the ones still open when the event's tail has passed. */
  leftOpen: number;
  /** What PagerDuty received, in order, for the record: t (s from the first fault), alerts, event, incident. */
  events: string[];
}

export interface EventSpec {
  /** "outage exit 30s", "repeat hang", "blip", … */
  name: string;
  /** Pages the design allows: exactly this many, or at least `atLeast`; none for an event only timed (the ADR's timings). */
  expected?: { exactly: number } | { atLeast: number };
  /** A PagerDuty integration every page must come through, when it matters. */
  through?: "alertmanager" | "uptimeCheck" | "heartbeat";
  /** Incidents the design resolves while the API is still down (0 unless said). */
  resolvedWhileDown?: number;
  /** Not an outage: the time to page is for the record, not held to the outage goal. */
  untimed?: boolean;
  run: (local: LocalStack) => Promise<EventResult>;
}

/** After an event's last recovery: past the resolve, and long enough for a burn-rate page's short window (5 m) to have shown up. */
export const TAIL_MS = 300_000;
/** A repeated outage lasts this long after its first trigger before the API recovers: every signal has fired by then. */
const REPEAT_OUTAGE_MS = 30_000;

const isTrigger = (since: number) => (d: { receiver: string; status: string; at: number }) => d.receiver === "pagerduty" && d.status === "firing" && d.at >= since;

async function trigger(local: LocalStack, since: number, timeoutMs: number): Promise<number | null> {
  const d = await local.waitForDelivery(isTrigger(since), since, timeoutMs);
  return d ? (d.at - since) / 1000 : null;
}

function result(local: LocalStack, since: number, triggers: (number | null)[], recoveredAt = since): EventResult {
  const incidents = local.receivers.incidentsOpenedSince(since);
  return {
    triggers,
    pages: incidents.map((i) => `${[...new Set(i.alerts)].join("+")} via ${i.integration}`),
    resolvedWhileDown: incidents.filter((i) => i.integration !== "heartbeat" && i.resolvedAt !== undefined && i.resolvedAt < recoveredAt).length,
    leftOpen: incidents.filter((i) => i.resolvedAt === undefined).length,
    events: local.receivers.deliveries
      .filter((d) => d.receiver === "pagerduty" && d.at >= since)
      .map((d) => `${((d.at - since) / 1000).toFixed(1)}s ${[...new Set(d.alerts)].join("+")} ${d.opened ? "open" : d.status === "firing" ? "update" : "resolve"} #${d.incident ?? "-"}`),
  };
}

/** Stages `faults` for `ms`, recovers, and waits out the tail: the first trigger after the first fault. */
async function staged(local: LocalStack, faults: Fault[], ms: number, timeoutMs: number): Promise<EventResult> {
  const since = Date.now();
  for (const f of faults) await local.fault(f);
  const first = trigger(local, since, timeoutMs);
  await sleep(ms);
  const recoveredAt = Date.now();
  await local.fault("recover");
  const t = await first;
  await sleep(TAIL_MS);
  return result(local, since, [t], recoveredAt);
}

/** The API falls in `mode` for `seconds`, then recovers. */
export const outage = (mode: OutageMode, seconds: number, timeoutMs: number): EventSpec => ({
  name: `outage ${mode} ${seconds >= 60 ? `${seconds / 60}m` : `${seconds}s`}`,
  expected: { exactly: 1 },
  through: "alertmanager",
  run: (local) => staged(local, [mode], seconds * 1000, timeoutMs),
});

/** An outage, recovery, and the same outage again 30 to 90 s later (random): two events, two pages. */
export const repeat = (mode: OutageMode, timeoutMs: number): EventSpec => ({
  name: `repeat ${mode}`,
  expected: { exactly: 2 },
  through: "alertmanager",
  async run(local) {
    const since = Date.now();
    await local.fault(mode);
    const first = await trigger(local, since, timeoutMs);
    await sleep(REPEAT_OUTAGE_MS);
    await local.fault("recover");
    await sleep((30 + Math.random() * 60) * 1000);
    const again = Date.now();
    await local.fault(mode);
    const second = await trigger(local, again, timeoutMs);
    await sleep(REPEAT_OUTAGE_MS);
    await local.fault("recover");
    await sleep(TAIL_MS);
    return result(local, since, [first, second]);
  },
});

const BLIPS = 5;
// Farther apart than any config's evaluation interval plus `for:` (the ADR's 60 s + 1m), so two blips
// can never look like one sustained failure to a rule that evaluates rarely.
const BLIP_SPACING_MS = 150_000;

/** Single failed scrapes and probes, spaced out: no page. */
export const blips = (): EventSpec => ({
  name: `${BLIPS} blips`,
  expected: { exactly: 0 },
  async run(local) {
    const since = Date.now();
    for (let i = 0; i < BLIPS; i++) {
      await local.fault("blip");
      await sleep(BLIP_SPACING_MS);
    }
    return result(local, since, []);
  },
});

/** Validations fail for ten minutes while the API answers: `errors` (half fail) pages once, `trickle` (2 %) never. */
export const burst = (fault: Extract<Fault, "errors" | "trickle">): EventSpec => ({
  name: `10m of ${fault === "errors" ? "50 %" : "2 %"} errors`,
  expected: { exactly: fault === "errors" ? 1 : 0 },
  through: "alertmanager",
  async run(local) {
    const since = Date.now();
    await local.fault(fault);
    await sleep(600_000);
    await local.fault("recover");
    await sleep(TAIL_MS);
    return result(local, since, []);
  },
});

/** Only the public URL fails (load balancer, DNS, TLS) for two minutes: the cluster's public signal pages once, the uptime check not. */
export const edge = (timeoutMs: number): EventSpec => ({
  name: "edge 2m",
  expected: { exactly: 1 },
  through: "alertmanager",
  run: (local) => staged(local, ["edge"], 120_000, timeoutMs),
});

/** Both Prometheus replicas stop, then the API falls for five minutes: only the uptime check can page. */
export const blind = (): EventSpec => ({
  name: "outage exit 5m, both Prometheus stopped",
  expected: { atLeast: 1 },
  through: "uptimeCheck",
  run: (local) => staged(local, ["prometheus-stop", "exit"], 300_000, 300_000),
});

/** The API falls and stays down until the first trigger (or the timeout): the time to page, for timings compared side by side. */
export const untilPaged = (mode: OutageMode, timeoutMs: number): EventSpec => ({
  name: `outage ${mode} until paged`,
  async run(local) {
    const since = Date.now();
    await local.fault(mode);
    const t = await trigger(local, since, timeoutMs);
    await local.fault("recover");
    return result(local, since, [t]);
  },
});

/** 10 % of validations fail for ten minutes: HighErrorRate pages, the hour's burn joins it before it resolves. */
export const episode = (): EventSpec => ({
  name: "10m of 10 % errors",
  expected: { exactly: 1 },
  through: "alertmanager",
  untimed: true,
  async run(local) {
    const r = await staged(local, ["episode"], 600_000, 600_000);
    // HighErrorRate is held for 5 minutes after its ratio falls back, which itself takes minutes: the
    // tail waits for the resolve, so that "left open" says whether it came.
    await local.until(() => local.receivers.incidents.every((i) => i.resolvedAt !== undefined), EPISODE_RESOLVE_MS, "the episode's incident to resolve").catch(() => undefined);
    return { ...r, leftOpen: local.receivers.incidents.filter((i) => i.resolvedAt === undefined).length };
  },
});

/**
 * A heartbeat that has been running, as in any deployment: the heartbeat service (and its stand-in)
 * says nothing before a first ping, so an event that takes the monitoring away before the fresh stack's
 * first ping would stage a deployment that never had one.
 */
async function heartbeatRunning(local: LocalStack): Promise<void> {
  if (!(await local.waitForDelivery((d) => d.receiver === "heartbeat", 0, 120_000))) throw new Error("no heartbeat ping within 2 minutes of the stack's start");
}

/** How long after the tail an error episode's incident may still take to resolve. */
const EPISODE_RESOLVE_MS = 420_000;

/**
 * The API is down this long after the monitoring faults of an edge event, before it recovers: past the
 * uptime check's page (about 3.5 minutes of blindness) and the heartbeat service's (a period plus grace
 * after the last ping, which Alertmanager keeps sending until Prometheus' Watchdog expires in it,
 * about four minutes after Prometheus stopped).
 */
const EDGE_HOLD_MS = 480_000;

/**
 * The API falls; once the cluster has paged, its monitoring is lost (`lost`: every Prometheus and
 * Alertmanager, or every Prometheus only) for EDGE_HOLD_MS while the API stays down; then both recover.
 */
export const lostMidOutage = (lost: Extract<Fault, "cluster-stop" | "prometheus-stop">, timeoutMs: number): EventSpec => ({
  name: `outage exit, then ${lost === "cluster-stop" ? "every Prometheus and Alertmanager" : "every Prometheus"} lost for 8m`,
  // The cluster's page, the heartbeat service's (the monitoring is gone) and the uptime check's (the
  // outage the cluster can no longer carry). With Alertmanager alive, the outage backstop (prod's
  // alerts.outage.backstop: managed) holds the cluster's incident open once Prometheus' alerts expire
  // in it (about four minutes), so none resolves while the API is down.
  expected: { exactly: 3 },
  resolvedWhileDown: 0,
  async run(local) {
    await heartbeatRunning(local);
    const since = Date.now();
    await local.fault("exit");
    const t = await trigger(local, since, timeoutMs);
    await sleep(REPEAT_OUTAGE_MS);
    await local.fault(lost);
    await sleep(EDGE_HOLD_MS);
    const recoveredAt = Date.now();
    await local.fault("recover");
    await sleep(TAIL_MS);
    return result(local, since, [t], recoveredAt);
  },
});

/** The cluster's monitoring is lost, the API falls, the monitoring comes back while the API is still down, then the API recovers. */
export const blindThenBack = (): EventSpec => ({
  name: "cluster blind, outage exit, monitoring back 5m in, API back 3m later",
  // The heartbeat service's page (the monitoring is gone), the uptime check's (the outage), and the
  // cluster's own when its monitoring comes back to the same outage.
  expected: { exactly: 3 },
  async run(local) {
    await heartbeatRunning(local);
    const since = Date.now();
    await local.fault("cluster-stop");
    await local.fault("exit");
    const first = trigger(local, since, EDGE_HOLD_MS);
    await sleep(300_000);
    await local.fault("monitoring-start");
    await sleep(180_000);
    const recoveredAt = Date.now();
    await local.fault("recover");
    const t = await first;
    await sleep(TAIL_MS);
    return result(local, since, [t], recoveredAt);
  },
});

/** Alertmanager cannot reach PagerDuty, then the API falls: the heartbeat stops and its service pages. */
export const pagerdutyCut = (): EventSpec => ({
  name: "PagerDuty unreachable from Alertmanager, outage exit 8m",
  expected: { exactly: 1 },
  through: "heartbeat",
  async run(local) {
    await heartbeatRunning(local);
    const since = Date.now();
    await local.fault("pagerduty-cut");
    await local.fault("exit");
    const t = trigger(local, since, EDGE_HOLD_MS);
    await sleep(EDGE_HOLD_MS);
    // The API recovers first; PagerDuty becomes reachable a minute later, when Alertmanager has nothing
    // left to say of the outage that is over.
    const recoveredAt = Date.now();
    await local.recoverApi();
    await sleep(60_000);
    await local.fault("recover");
    const first = await t;
    await sleep(TAIL_MS);
    return result(local, since, [first], recoveredAt);
  },
});
