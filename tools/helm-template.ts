// `helm template` of a release exactly as a component installs it (render/releases.ts), with the real
// Helm and the pinned chart from the cache, against the cluster capabilities the stack targets. The
// tests assert on the objects this produces, and the golden manifests are this output.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { CLUSTER_CAPABILITIES } from "../render/charts";
import type { ReleaseSpec } from "../render/releases";
import { toYaml } from "../lib/yaml";
import { chartArchive, helm } from "./chart-cache";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderedRelease {
  spec: ReleaseSpec;
  /** Helm's output, as it would be applied. */
  manifest: string;
  objects: K8sObject[];
}

export function helmTemplate(spec: ReleaseSpec): RenderedRelease {
  const archive = chartArchive(spec.chart);
  if (!fs.existsSync(archive)) throw new Error(`${archive} is missing: run npm run charts:fetch (npm test does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coditect-helm-"));
  try {
    const valuesFile = path.join(dir, "values.yaml");
    fs.writeFileSync(valuesFile, toYaml(spec.values));
    const args = ["template", spec.release, archive, "--namespace", spec.namespace, "--values", valuesFile, "--kube-version", CLUSTER_CAPABILITIES.kubeVersion];
    for (const api of CLUSTER_CAPABILITIES.apiVersions) args.push("--api-versions", api);
    const r = helm(args);
    if (r.status !== 0) throw new Error(`helm template ${spec.release} (${spec.chart.chart} ${spec.chart.version}) failed:\n${r.output}`);
    const objects = parseAllDocuments(r.stdout)
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null && typeof o === "object");
    return { spec, manifest: r.stdout, objects };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The CRDs a chart ships (`helm show crds`), by kind. */
export function chartCrds(spec: ReleaseSpec): Map<string, K8sObject> {
  const r = helm(["show", "crds", chartArchive(spec.chart)]);
  if (r.status !== 0) throw new Error(`helm show crds ${spec.chart.chart} failed:\n${r.output}`);
  const crds = parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o?.kind === "CustomResourceDefinition");
  return new Map(crds.map((crd) => [(crd.spec as { names: { kind: string } }).names.kind, crd]));
}

/**
 * A release's objects as committed golden YAML: sorted by kind, namespace and name, one document each,
 * with opaque payloads (the compressed CRD bundle) replaced by their digest and size, so the diff of
 * a pull request reads like `helm diff`.
 */
export function goldenManifest(rendered: RenderedRelease): string {
  const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
  const objects = [...rendered.objects].sort((a, b) => key(a).localeCompare(key(b)));
  const header = `# ${rendered.spec.chart.chart} ${rendered.spec.chart.version} as release ${rendered.spec.release} in ${rendered.spec.namespace}: ${objects.length} objects\n`;
  return header + objects.map((o) => `---\n${toYaml(withDigestedPayloads(o))}`).join("");
}

function withDigestedPayloads(o: K8sObject): K8sObject {
  if (o.kind !== "ConfigMap" || !o.binaryData) return o;
  const binaryData = Object.fromEntries(
    Object.entries(o.binaryData as Record<string, string>).map(([name, base64]) => {
      const bytes = Buffer.from(base64, "base64");
      return [name, `<${bytes.length} bytes, sha256 ${crypto.createHash("sha256").update(bytes).digest("hex")}>`];
    }),
  );
  return { ...o, binaryData };
}
