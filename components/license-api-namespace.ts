// The license API's namespace, applied by this stack: the ServiceMonitor and NetworkPolicy of the API go
// into it, and the app deploy reads its name from this stack's outputs, so on a fresh cluster it must
// exist before either. It is a NamespacePatch (server-side apply), not a Namespace: the provider always
// applies a Patch resource, creating the namespace when absent and taking over an existing one without
// an "already exists" error, and deleting the resource only gives up this stack's fields, never the
// namespace and the API running in it (pulumi-kubernetes provider/pkg/await/await.go, Creation and
// Deletion of Patch resources).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface LicenseApiNamespaceArgs {
  namespace: string;
}

export class LicenseApiNamespace extends pulumi.ComponentResource {
  /** The namespace's name, resolved once the namespace is applied, so that dependents wait for it. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: LicenseApiNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:LicenseApiNamespace", name, {}, opts);
    const namespace = new k8s.core.v1.NamespacePatch(`${name}-patch`, { metadata: { name: args.namespace } }, { parent: this });
    this.name = namespace.id.apply(() => args.namespace);
    this.registerOutputs({ name: this.name });
  }
}
