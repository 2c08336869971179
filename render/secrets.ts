// What stands in for each secret in rendered files: clearly not a real value, and still in the
// format the consuming tool validates (amtool rejects a Slack api_url that is not a URL).
import type { StackSecrets } from "../config";

export const PLACEHOLDER_SECRETS: Required<StackSecrets> = {
  pagerdutyToken: "<secret:pagerdutyToken>",
  slackWebhookUrl: "https://secret.invalid/slackWebhookUrl",
  grafanaAuth: "<secret:grafanaAuth>",
  heartbeatUrl: "https://secret.invalid/heartbeatUrl",
  jaegerStoragePassword: "<secret:jaegerStoragePassword>",
  grafanaCloudAccessPolicyToken: "<secret:grafanaCloudAccessPolicyToken>",
};

export const PAGERDUTY_KEY_PLACEHOLDER = "<secret:pagerduty-integration-key>";
