// Every release of a stack rendered once per test file by the real Helm, with lookups the tests share.
import type { StackConfig } from "../../config";
import { helmReleases } from "../../render/releases";
import { helmTemplate, type K8sObject, type RenderedRelease } from "../../tools/helm-template";

export interface RenderedStack {
  releases: RenderedRelease[];
  release(name: string): RenderedRelease;
  objects(kind: string, release?: string): K8sObject[];
  one(kind: string, release: string, name?: string): K8sObject;
}

export function renderReleases(c: StackConfig): RenderedStack {
  const releases = helmReleases(c).map(helmTemplate);
  const release = (name: string) => {
    const r = releases.find((x) => x.spec.release === name);
    if (!r) throw new Error(`no release ${name}; releases: ${releases.map((x) => x.spec.release).join(", ")}`);
    return r;
  };
  const objects = (kind: string, name?: string) => (name ? [release(name)] : releases).flatMap((r) => r.objects.filter((o) => o.kind === kind));
  return {
    releases,
    release,
    objects,
    one(kind, name, objectName) {
      const found = objects(kind, name).filter((o) => objectName === undefined || o.metadata.name === objectName);
      if (found.length !== 1) throw new Error(`expected one ${kind}${objectName ? ` ${objectName}` : ""} in ${name}, found ${found.length}`);
      return found[0];
    },
  };
}

/** Containers of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob), init containers included. */
export function containers(o: K8sObject): Record<string, any>[] {
  const spec = o.spec as any;
  const pod = o.kind === "CronJob" ? spec.jobTemplate.spec.template.spec : spec.template?.spec;
  return pod ? [...(pod.initContainers ?? []), ...(pod.containers ?? [])] : [];
}

export function podSpec(o: K8sObject): Record<string, any> {
  const spec = o.spec as any;
  return o.kind === "CronJob" ? spec.jobTemplate.spec.template.spec : spec.template.spec;
}

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];
