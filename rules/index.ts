import type { StackConfig } from "../config";
import { apiRules } from "./api";
import { cardinalityRules } from "./cardinality";
import { dependencyRules } from "./dependencies";
import { infrastructureRules } from "./infrastructure";
import { outageRules } from "./outage";
import { perLicenseRules } from "./per-license";
import { recordingRules } from "./recording";
import { seatDenialRules } from "./seat-denials";
import { seatForecastRules } from "./seat-forecast";
import { sloRules } from "./slo";
import type { RuleGroup } from "./types";
import { watchdogRules } from "./watchdog";

/**
 * Every rule group Prometheus evaluates for the license API, in the order they are rendered. Groups
 * that read recorded series come after the group recording them: promtool evaluates groups in this
 * order at each step (Prometheus runs them concurrently, reading the latest recorded sample).
 */
export function renderRuleGroups(c: StackConfig): RuleGroup[] {
  return [outageRules(c), recordingRules(c), sloRules(c), apiRules(c), perLicenseRules(c), seatDenialRules(c), seatForecastRules(c), cardinalityRules(c), dependencyRules(c), infrastructureRules(c), watchdogRules(c)];
}

export { type RuleGroup, type AlertingRule, type RecordingRule, isAlert } from "./types";
