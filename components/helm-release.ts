// How this stack installs a chart: from the chart's own repository at the exact pinned version, with
// the values of render/releases.ts, atomically (a failed upgrade rolls back instead of leaving half a
// release behind).
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ReleaseSpec } from "../render/releases";

/**
 * `namespace` is the Namespace resource's output when the component creates it, so the release waits
 * for it; it always names spec.namespace.
 */
export function pinnedRelease(name: string, spec: ReleaseSpec, namespace: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name: spec.release,
      chart: spec.chart.chart,
      version: spec.chart.version,
      repositoryOpts: { repo: spec.chart.repo },
      namespace,
      values: spec.values,
      atomic: true,
      ...(spec.timeout ? { timeout: spec.timeout } : {}),
    },
    opts,
  );
}
