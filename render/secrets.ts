// What stands in for each secret in rendered files: clearly not a real value, and still in the
// format the consuming tool validates (amtool rejects a Slack api_url that is not a URL).
import type { StackSecrets } from "../config";
import type { ReceiverSecrets } from "./alertmanager-config";

export const PLACEHOLDER_SECRETS: Required<StackSecrets> = {
  pagerdutyToken: "<secret:pagerdutyToken>",
  slackAlertsWebhookUrl: "https://secret.invalid/slackAlertsWebhookUrl",
  slackTicketsWebhookUrl: "https://secret.invalid/slackTicketsWebhookUrl",
  slackPlatformWebhookUrl: "https://secret.invalid/slackPlatformWebhookUrl",
  grafanaAuth: "<secret:grafanaAuth>",
  heartbeatUrl: "https://secret.invalid/heartbeatUrl",
  jaegerStoragePassword: "<secret:jaegerStoragePassword>",
  grafanaCloudAccessPolicyToken: "<secret:grafanaCloudAccessPolicyToken>",
};

export const PAGERDUTY_KEY_PLACEHOLDER = "<secret:pagerduty-integration-key>";

/** Alertmanager's receivers' secrets in rendered files. */
export const PLACEHOLDER_RECEIVER_SECRETS: ReceiverSecrets = {
  pagerdutyRoutingKey: PAGERDUTY_KEY_PLACEHOLDER,
  slackAlertsWebhookUrl: PLACEHOLDER_SECRETS.slackAlertsWebhookUrl,
  slackTicketsWebhookUrl: PLACEHOLDER_SECRETS.slackTicketsWebhookUrl,
  slackPlatformWebhookUrl: PLACEHOLDER_SECRETS.slackPlatformWebhookUrl,
  heartbeatUrl: PLACEHOLDER_SECRETS.heartbeatUrl,
};
