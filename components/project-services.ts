// The Google APIs this stack's resources call, enabled in the stack's project so that a first `pulumi up`
// on a fresh project does not stop on "API has not been used in project … or it is disabled". Never
// disabled again on destroy: the license API and everything else in the project use them too.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/** Each API, and what of this stack needs it. */
export const PROJECT_SERVICES = {
  "logging.googleapis.com": "log buckets, sinks, exclusions, log-based metrics, the auditors' view",
  "monitoring.googleapis.com": "uptime check, its alert policy and notification channel",
  "cloudresourcemanager.googleapis.com": "Data Access audit config and the auditors' IAM grant",
  "container.googleapis.com": "reading the GKE cluster the Kubernetes provider connects to",
  "iam.googleapis.com": "the Cloud Monitoring data source's service account and its rotated key",
} as const;

export interface ProjectServicesArgs {
  project: string;
}

export class ProjectServices extends pulumi.ComponentResource {
  /** The enabled services; resources that call an API depend on this. */
  readonly services: gcp.projects.Service[];

  constructor(name: string, args: ProjectServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:ProjectServices", name, {}, opts);
    this.services = Object.keys(PROJECT_SERVICES).map(
      (service) =>
        new gcp.projects.Service(
          `${name}-${service.split(".")[0]}`,
          { project: args.project, service, disableOnDestroy: false },
          { parent: this },
        ),
    );
    this.registerOutputs({ services: this.services.map((s) => s.service) });
  }
}
