// Every generated artifact of a stack, by the path it is written to. The components deploy the same
// values; the render command, the golden files and the local stack read them from here.
import type { StackConfig } from "../config";
import { toYaml } from "../lib/yaml";
import { renderRuleGroups } from "../rules";
import { alertmanagerConfig } from "./alertmanager-config";
import { managedPrometheusObjects } from "./managed-prometheus";
import { inClusterTargets, prometheusConfig } from "./prometheus-config";
import { PLACEHOLDER_RECEIVER_SECRETS } from "./secrets";
import { BLACKBOX_EXPORTER, blackboxValues } from "./values/blackbox";
import { KUBE_PROMETHEUS_STACK, kubePrometheusStackValues } from "./values/kube-prometheus-stack";
import { collectorTiers, JAEGER_CHART } from "./collector-config";
import { jaegerValues } from "./values/jaeger";
import { dashboardJson, renderDashboards } from "../dashboards";
import { otelCollectorValues } from "./values/otel-collector";

export type Artifacts = Record<string, string>;

export function renderArtifacts(c: StackConfig): Artifacts {
  const files: Artifacts = {
    "prometheus/rules.yml": toYaml({ groups: renderRuleGroups(c) }),
    "prometheus/prometheus.yml": toYaml(prometheusConfig(c, inClusterTargets(c))),
    "alertmanager/alertmanager.yml": toYaml(alertmanagerConfig(c, PLACEHOLDER_RECEIVER_SECRETS)),
    [`helm/${KUBE_PROMETHEUS_STACK.release}.values.yaml`]: toYaml(kubePrometheusStackValues(c)),
    [`helm/${BLACKBOX_EXPORTER.release}.values.yaml`]: toYaml(blackboxValues(c)),
    [`helm/${JAEGER_CHART.release}.values.yaml`]: toYaml(jaegerValues(c)),
    // The entry tier's config is otel/collector.yaml; a sampler tier (tail sampling on >1 replica) adds otel/sampler.yaml.
    ...Object.fromEntries(
      collectorTiers(c).flatMap((tier) => [
        [`otel/${tier.role}.yaml`, toYaml(tier.config)],
        [`helm/${tier.release}.values.yaml`, toYaml(otelCollectorValues(c, tier))],
      ]),
    ),
    // The managed rule evaluator's objects, one file each, when the seat groups or the outage backstop run there.
    ...Object.fromEntries(managedPrometheusObjects(c).map((o) => [`managed-prometheus/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`, toYaml(o)])),
    // Exactly the configJson components/grafana.ts uploads.
    ...Object.fromEntries(renderDashboards(c).map((d) => [`grafana/dashboards/${d.uid}.json`, dashboardJson(d.model)])),
  };
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}
