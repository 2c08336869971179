// prom-client metrics made from the metric contract's entries (name, type, help, labels, buckets), so
// the simulator exports exactly what the rules and dashboards are written against instead of a copy.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { labelsOf, METRIC_CONTRACT, type ContractMetric, type LabelScheme, type MetricType } from "../rules/metric-contract";

/** `scheme`: the contract's labels, or ADR-019's (a license key on every per-license series). */
export function contractMetrics(registry: Registry, scheme: LabelScheme = "contract") {
  const entry = (name: string, types: MetricType[], extraLabels: string[]) => {
    const m: ContractMetric | undefined = METRIC_CONTRACT.find((x) => x.name === name);
    if (!m || !types.includes(m.type)) throw new Error(`the metric contract has no ${types.join("/")} ${name}`);
    return { m, config: { name: m.name, help: m.help, labelNames: [...labelsOf(m, scheme), ...extraLabels], registers: [registry] } };
  };
  return {
    /** `extraLabels`: labels the real exporter also sets that no rule reads (kube-state-metrics' node). */
    counter: (name: string, extraLabels: string[] = []) => new Counter(entry(name, ["counter"], extraLabels).config),
    gauge: (name: string, extraLabels: string[] = []) => new Gauge(entry(name, ["gauge", "info"], extraLabels).config),
    histogram: (name: string) => {
      const { m, config } = entry(name, ["histogram"], []);
      return new Histogram({ ...config, buckets: m.buckets ? [...m.buckets] : undefined });
    },
  };
}
