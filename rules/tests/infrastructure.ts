// Saturation of the API's containers now, and their forecasts (the seat forecast: seat-forecast.ts).
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { cadence, fixtures, PODS } from "./fixtures";
import { alertRule, at, check, firesAfterFor, fireTime, firing, linear, samples, type TestGroup } from "./promtool";

/** A CPU request and memory limit the API's pods might have; the rules read them from kube-state-metrics. */
const CPU_REQUEST = 0.5;
const MEMORY_LIMIT = 512 * 1024 * 1024;

export function infrastructureTests(c: StackConfig): TestGroup[] {
  const f = fixtures(c);
  const { step, evalEvery, rateOnset, stepsUntil, rateAt, onsetWhen } = cadence(c);
  const t = c.alerts;
  const horizon = seconds(t.forecast.horizon);
  const lookback = seconds(t.forecast.lookback);
  /** Start time of a pod that has run longer than the forecasts' lookback before the test begins. */
  const longAgo = -lookback;
  const [hot, cool] = PODS;
  const labels = (pod: string) => f.container(pod);
  const resources = (steps: number) => PODS.flatMap((p) => [f.cpuRequest(p, CPU_REQUEST, steps), f.memoryLimit(p, MEMORY_LIMIT, steps)]);

  const cpu = alertRule(c, "HighCPUUsage");
  const coresPerStep = (share: number) => CPU_REQUEST * share * step;
  const hotShare = (t.cpuUtilisation.threshold + 1) / 2;
  // A new container's 5m CPU rate climbs until the window is full.
  const cpuOnset = onsetWhen((x) => rateAt(coresPerStep(hotShare), x, "5m") / CPU_REQUEST > t.cpuUtilisation.threshold);
  const cpuFires = fireTime(cpu, cpuOnset, evalEvery);
  const cpuSteps = stepsUntil(cpuFires);

  const memory = alertRule(c, "HighMemoryUsage");
  const memoryFires = fireTime(memory, 0, evalEvery);
  const memorySteps = stepsUntil(memoryFires);
  const hotBytes = (MEMORY_LIMIT * (t.memoryUtilisation.threshold + 1)) / 2;

  return [
    {
      name: "HighCPUUsage: one pod above its CPU request threshold, the other idle",
      interval: at(step),
      input_series: [f.cpu(hot, linear(0, coresPerStep(hotShare), cpuSteps)), f.cpu(cool, linear(0, coresPerStep(0.2), cpuSteps)), ...resources(cpuSteps)],
      alert_rule_test: firesAfterFor(evalEvery, [
        { rule: cpu, onset: cpuOnset, alert: firing(cpu, labels(hot), rateAt(coresPerStep(hotShare), cpuFires, "5m") / CPU_REQUEST) },
      ]),
    },
    {
      name: "HighCPUUsage silent: both pods just under the threshold of their CPU request, past for:",
      interval: at(step),
      input_series: [...PODS.map((p) => f.cpu(p, linear(0, coresPerStep(t.cpuUtilisation.threshold * 0.9), cpuSteps))), ...resources(cpuSteps)],
      alert_rule_test: [check(cpu.alert, cpuFires)],
    },
    {
      name: "HighMemoryUsage silent: both pods' working sets just under the threshold of their limit",
      interval: at(step),
      input_series: [...PODS.map((p) => f.memory(p, linear(MEMORY_LIMIT * t.memoryUtilisation.threshold * 0.95, 0, memorySteps))), ...resources(memorySteps)],
      alert_rule_test: [check(memory.alert, memoryFires)],
    },
    {
      name: "HighMemoryUsage: one pod's working set near its limit, the other at half",
      interval: at(step),
      input_series: [f.memory(hot, linear(hotBytes, 0, memorySteps)), f.memory(cool, linear(MEMORY_LIMIT / 2, 0, memorySteps)), ...resources(memorySteps)],
      alert_rule_test: firesAfterFor(evalEvery, [{ rule: memory, onset: 0, alert: firing(memory, labels(hot), hotBytes / MEMORY_LIMIT) }]),
    },
    cpuForecast(),
    memoryForecast(),
    freshPod(),
  ];

  function cpuForecast(): TestGroup {
    const rule = alertRule(c, "CPUSaturationForecast");
    // One sample a minute, aligned with the rule's [lookback:1m] subquery, and counter values chosen
    // so that rate(...[5m]) at minute m is exactly `slope * m` even while the window is still filling:
    // the forecast then has an exact value to check. Prometheus 3's window (m - 5, m] holds the samples
    // of minutes m - 4 to m, 4 minutes apart, and rate() extrapolates their increase to 5 minutes;
    // while it still holds minute 0 (a counter at 0), it extrapolates nothing and divides by 5 minutes.
    const minute = 60;
    const slope = Math.ceil(((CPU_REQUEST / (horizon / minute + 2)) * 1.25 * 1024)) / 1024;
    const window = seconds("5m") / minute;
    const held = window - 1;
    const onset = 2 * minute;
    const fires = fireTime(rule, onset, evalEvery);
    const minutes = Math.ceil(fires / minute) + 1;
    const counter: number[] = [];
    for (let m = 0; m <= minutes; m++) counter.push(m < window ? seconds("5m") * slope * m : counter[m - held] + held * minute * slope * m);
    const usage = (slope * fires) / minute;
    return {
      name: "CPUSaturationForecast: a pod's CPU use trends past its request within the horizon",
      interval: at(minute),
      input_series: [f.cpu(hot, samples(counter)), f.cpuRequest(hot, CPU_REQUEST, minutes), f.startTime(hot, longAgo, minutes)],
      alert_rule_test: firesAfterFor(evalEvery, [{ rule, onset, alert: firing(rule, labels(hot), usage + (slope / minute) * horizon) }]),
    };
  }

  function memoryForecast(): TestGroup {
    const rule = alertRule(c, "MemorySaturationForecast");
    const start = MEMORY_LIMIT / 2;
    const perStep = Math.ceil(((MEMORY_LIMIT - start) / horizon) * step * 1.25);
    // predict_linear, like rate, needs two samples.
    const onset = rateOnset;
    const fires = fireTime(rule, onset, evalEvery);
    return {
      name: "MemorySaturationForecast: a pod's working set trends past its limit within the horizon",
      interval: at(step),
      input_series: [
        f.memory(hot, linear(start, perStep, stepsUntil(fires))),
        f.memoryLimit(hot, MEMORY_LIMIT, stepsUntil(fires)),
        f.startTime(hot, longAgo, stepsUntil(fires)),
      ],
      alert_rule_test: firesAfterFor(evalEvery, [
        { rule, onset, alert: firing(rule, labels(hot), start + (perStep * fires) / step + (perStep / step) * horizon) },
      ]),
    };
  }

  function freshPod(): TestGroup {
    // A pod just deployed: its CPU rate climbs while the 5m window fills, its memory warms up over
    // the first minutes, then both stay flat at half of what the pod is given.
    const cpuRule = alertRule(c, "CPUSaturationForecast");
    const seasoned = lookback / 2;
    const end = fireTime(cpuRule, seasoned, evalEvery) + evalEvery;
    const steps = stepsUntil(end);
    const warmUp = seconds("2m") / step;
    const halfMemory = MEMORY_LIMIT / 2;
    const memory = `${linear(halfMemory / 4, (halfMemory * 3) / 4 / warmUp, warmUp)} ${linear(halfMemory, 0, steps - warmUp - 1)}`;
    return {
      name: "CPU/MemorySaturationForecast silent: a freshly deployed pod's warm-up is no trend",
      interval: at(step),
      input_series: [
        f.cpu(hot, linear(0, coresPerStep(0.5), steps)),
        f.memory(hot, memory),
        f.cpuRequest(hot, CPU_REQUEST, steps),
        f.memoryLimit(hot, MEMORY_LIMIT, steps),
        f.startTime(hot, 0, steps),
      ],
      alert_rule_test: [seconds("33m"), seconds("1h"), end].flatMap((x) => [check("CPUSaturationForecast", x), check("MemorySaturationForecast", x)]),
    };
  }
}
