// The identity Grafana reads Cloud Monitoring with: a dedicated service account that may only read
// monitoring data (roles/monitoring.viewer on the project, nothing else), and its JSON key, which
// Grafana's JWT authentication needs outside Google Cloud. The key is replaced every
// grafana.cloudMonitoringKeyRotationDays (render/key-rotation.ts): its keeper is the rotation period's
// number, and a changed keeper replaces a service-account key (its `keepers`: "when changed, will
// trigger a new key to be generated", @pulumi/gcp serviceaccount/key.d.ts), created before the old
// one is deleted, so the data source gets the new key in the same update. The key only ever exists as
// a Pulumi secret.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config";
import { keyRotationPeriod } from "../render/key-rotation";

export const CLOUD_MONITORING_READER_ROLE = "roles/monitoring.viewer";
/** Where a service account's JWT is exchanged for an access token (the token_uri of every key file). */
export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

export interface CloudMonitoringReaderArgs {
  config: StackConfig;
  /** The moment of this run, which decides the key's rotation period. */
  now: Date;
}

export class CloudMonitoringReader extends pulumi.ComponentResource {
  readonly clientEmail: pulumi.Output<string>;
  /** The key's PEM private key (secret). */
  readonly privateKey: pulumi.Output<string>;

  constructor(name: string, args: CloudMonitoringReaderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("coditect:monitoring:CloudMonitoringReader", name, {}, opts);
    const c = args.config;
    const child = { parent: this };

    const account = new gcp.serviceaccount.Account(
      `${name}-account`,
      {
        project: c.gcp.project,
        accountId: `grafana-monitoring-${c.environment}`.slice(0, 30),
        displayName: `Grafana Cloud Monitoring reader (${c.environment})`,
        description: "Grafana's Cloud Monitoring data source: reads metrics, uptime checks and log-based metrics only.",
      },
      child,
    );
    new gcp.projects.IAMMember(`${name}-viewer`, { project: c.gcp.project, role: CLOUD_MONITORING_READER_ROLE, member: account.member }, child);

    const period = keyRotationPeriod(c, args.now);
    const key = new gcp.serviceaccount.Key(
      `${name}-key`,
      { serviceAccountId: account.name, keepers: { rotationPeriod: String(period.index) } },
      { ...child, additionalSecretOutputs: ["privateKey"] },
    );
    // privateKey is the base64 of the key file Google returns; Grafana wants its fields.
    const file = pulumi.secret(key.privateKey).apply((encoded) => JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as { private_key: string });

    this.clientEmail = account.email;
    this.privateKey = pulumi.secret(file.apply((f) => f.private_key));
    this.registerOutputs({ clientEmail: this.clientEmail });
  }
}
