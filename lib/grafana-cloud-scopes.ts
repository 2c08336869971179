// The scopes of the Grafana Cloud access policy token the stack manages its Grafana Cloud resources
// with (grafanaCloudAccessPolicyToken), and what needs each: the "Required access policy scopes" of
// terraform-provider-grafana's docs/resources/cloud_access_policy.md, cloud_access_policy_token.md,
// cloud_private_data_source_connect_network.md and cloud_private_data_source_connect_network_token.md
// (the provider @pulumiverse/grafana wraps), and, for the stack lookup, the stack API that
// internal/resources/cloud/data_source_cloud_stack.go reads. One list: config.ts, docs/grafana.md and
// docs/bootstrap.md all name these, and a test holds them to it.
export const GRAFANA_CLOUD_TOKEN_SCOPES = {
  "stacks:read": "looking the stack up by its slug (getStack)",
  "accesspolicies:read": "reading the access policies, their tokens, the PDC network and its token",
  "accesspolicies:write": "creating and updating them",
  "accesspolicies:delete": "deleting them",
} as const;

export const grafanaCloudTokenScopes = () => Object.keys(GRAFANA_CLOUD_TOKEN_SCOPES).join(", ");
