// How this stack installs a chart: from its repository at an exact version, atomically (a failed
// upgrade rolls back instead of leaving half a release behind).
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export interface ChartSource {
  chart: string;
  repo: string;
}

export interface PinnedReleaseArgs {
  /** Helm release name, which the chart's object names derive from. */
  release: string;
  source: ChartSource;
  version: string;
  namespace: pulumi.Input<string>;
  values: Record<string, unknown>;
  /** Seconds to wait for the release's objects to become ready. */
  timeout?: number;
}

export function pinnedRelease(name: string, args: PinnedReleaseArgs, opts: pulumi.CustomResourceOptions): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    name,
    {
      name: args.release,
      chart: args.source.chart,
      version: args.version,
      repositoryOpts: { repo: args.source.repo },
      namespace: args.namespace,
      values: args.values,
      atomic: true,
      ...(args.timeout ? { timeout: args.timeout } : {}),
    },
    opts,
  );
}
