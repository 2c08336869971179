// A kubeconfig for an existing GKE cluster that authenticates through gke-gcloud-auth-plugin, so no
// long-lived credential is written into the Pulumi state.
import { toYaml } from "./yaml";

export interface GkeCluster {
  name: string;
  endpoint: string;
  caCertificate: string;
}

export function gkeKubeconfig(cluster: GkeCluster): string {
  const context = `gke_${cluster.name}`;
  return toYaml({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: `https://${cluster.endpoint}`, "certificate-authority-data": cluster.caCertificate } }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "gke-gcloud-auth-plugin",
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
            provideClusterInfo: true,
          },
        },
      },
    ],
  });
}
