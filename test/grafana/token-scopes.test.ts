// One list of the scopes the Grafana Cloud access policy token needs (lib/grafana-cloud-scopes.ts,
// from the provider's documentation of each resource the stack creates with it): the config's error
// and both documents that tell an operator which scopes to grant name exactly these, no more.
import * as fs from "fs";
import * as path from "path";
import { ConfigError, parseConfig } from "../../config";
import { GRAFANA_CLOUD_TOKEN_SCOPES } from "../../lib/grafana-cloud-scopes";
import { PROJECT_ROOT, readStackConfig } from "../../lib/stack-file";
import { TEST_SECRETS } from "../harness";

const scopes = Object.keys(GRAFANA_CLOUD_TOKEN_SCOPES).sort();
/** The Grafana Cloud scopes a text names (`realm:action`, in code quotes). */
const named = (text: string) => [...new Set([...text.matchAll(/`((?:stacks|accesspolicies|pdc-networks|metrics|logs|traces)[a-z-]*:[a-z*]+)`/g)].map((m) => m[1]))].sort();
const doc = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, "docs", name), "utf8");

test("docs/grafana.md's prerequisites name exactly the token's scopes", () => {
  const prerequisites = doc("grafana.md").split("## What the stack creates")[0];
  expect(named(prerequisites)).toEqual(scopes);
});

test("docs/bootstrap.md's Grafana Cloud step names exactly the token's scopes", () => {
  const step = doc("bootstrap.md").split("**Grafana Cloud** (`grafanaCloudAccessPolicyToken`)")[1].split("\n\n")[0];
  expect(named(step)).toEqual(scopes);
});

test("the config's error for a missing token names them", () => {
  const raw = readStackConfig("prod");
  const secrets = Object.fromEntries(Object.entries(TEST_SECRETS).filter(([k]) => k !== "grafanaCloudAccessPolicyToken").map(([k, v]) => [`coditect-monitoring:${k}`, v]));
  let message = "";
  try {
    parseConfig({ ...raw, ...secrets });
  } catch (e) {
    message = (e as ConfigError).message;
  }
  expect(message).toContain(`grafanaCloudAccessPolicyToken: must be set`);
  for (const s of scopes) expect(message).toContain(s);
});
