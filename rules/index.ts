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
 * Every rule group of the license API wherever it is evaluated, in the order they are rendered.
 * Groups that read recorded series come after the group recording them: promtool evaluates groups in
 * this order at each step (Prometheus runs them concurrently, reading the latest recorded sample).
 * The promtool tests load all of them, whichever evaluator a stack places them on.
 */
export function allRuleGroups(c: StackConfig): RuleGroup[] {
  return [outageRules(c), recordingRules(c), sloRules(c), apiRules(c), perLicenseRules(c), seatDenialRules(c), seatForecastRules(c), cardinalityRules(c), dependencyRules(c), infrastructureRules(c), watchdogRules(c)];
}

/**
 * The groups that may run in Managed Service for Prometheus' rule evaluator (alerts.perLicense.evaluator):
 * those whose cost grows with the number of licenses and that read only the seats exporter's series,
 * which the managed collector scrapes too. FrequentSeatDenials reads the API's replicas, which only
 * the cluster's Prometheus scrapes, so its group stays there.
 */
const MOVABLE = (c: StackConfig) => [perLicenseRules(c).name, seatForecastRules(c).name];

/** Where each group runs: the cluster's Prometheus, or the managed rule evaluator. */
export function placedRuleGroups(c: StackConfig): { prometheus: RuleGroup[]; managed: RuleGroup[] } {
  const all = allRuleGroups(c);
  if (c.alerts.perLicense.evaluator !== "managed") return { prometheus: all, managed: [] };
  const movable = MOVABLE(c);
  return { prometheus: all.filter((g) => !movable.includes(g.name)), managed: all.filter((g) => movable.includes(g.name)) };
}

/** Every rule group the cluster's Prometheus evaluates. */
export function renderRuleGroups(c: StackConfig): RuleGroup[] {
  return placedRuleGroups(c).prometheus;
}

/** The rule groups the managed rule evaluator runs (none unless alerts.perLicense.evaluator is "managed"). */
export function managedRuleGroups(c: StackConfig): RuleGroup[] {
  return placedRuleGroups(c).managed;
}

export { backstopRuleGroups, outageBackstopRules, BACKSTOP_SIGNAL } from "./outage-backstop";
export { type RuleGroup, type AlertingRule, type RecordingRule, isAlert } from "./types";
