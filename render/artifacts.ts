// Every generated artifact of a stack, by the path it is written to. The components deploy the same
// values; the render command, the golden files and the local stack read them from here.
import type { StackConfig } from "../config";
import { toYaml } from "../lib/yaml";
import { renderRuleGroups } from "../rules";
import { inClusterTargets, prometheusConfig } from "./prometheus-config";

export type Artifacts = Record<string, string>;

export function renderArtifacts(c: StackConfig): Artifacts {
  const files: Artifacts = {
    "prometheus/rules.yml": toYaml({ groups: renderRuleGroups(c) }),
    "prometheus/prometheus.yml": toYaml(prometheusConfig(c, inClusterTargets(c))),
  };
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}
