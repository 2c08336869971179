// What every row of the license API dashboard filters by: the API's series, narrowed by the
// dashboard's tier and instance variables, and the alert thresholds panels draw. The license filter
// works under either label scheme: see narrowedToLicense in ../common.
import type { StackConfig } from "../../config";
import { selectors } from "../../lib/identities";

export interface RowContext {
  c: StackConfig;
  t: StackConfig["alerts"];
  /** The license API's own series. */
  api: string;
  tier: string;
  /** The API's targets, narrowed by the instance variable. */
  target: string;
}

export function rowContext(c: StackConfig): RowContext {
  const { api } = selectors(c);
  return { c, t: c.alerts, api, tier: `tier=~"$tier"`, target: `${api}, instance=~"$instance"` };
}
