// The rendered Kubernetes manifests of every Helm release of a stack, as committed under
// test/golden/<stack>/manifests/: reviewing their diff in a pull request is reviewing what a chart
// bump or a values change does in the cluster.
import type { StackConfig } from "../config";
import { helmReleases } from "../render/releases";
import { goldenManifest, helmTemplate } from "./helm-template";

export function renderManifests(c: StackConfig): Record<string, string> {
  return Object.fromEntries(helmReleases(c).map((spec) => [`manifests/${spec.release}.yaml`, goldenManifest(helmTemplate(spec))]));
}
