// How this stack installs a chart: from the chart's own repository at the exact pinned version, with
// the values of render/releases.ts, atomically where the chart allows it (a failed upgrade rolls back
// instead of leaving half a release behind), keeping the last MAX_HISTORY revisions.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { MAX_HISTORY, type ReleaseSpec } from "../render/releases";

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
      atomic: spec.atomic,
      maxHistory: MAX_HISTORY,
      ...(spec.timeout ? { timeout: spec.timeout } : {}),
    },
    opts,
  );
}
