// Where an alert goes, decided by an Alertmanager configuration: the stack's rendered one (the
// renderer's, not a copy of it), or the one a running Alertmanager reports (--alertmanager). First
// matching child route wins, as in Alertmanager without `continue`; alerts of one route with the same
// group_by values are one group; a receiver without any integration (the null receiver) delivers
// nothing; inhibit rules as Alertmanager applies them.
import type { StackConfig } from "../config";
import { alertmanagerConfig } from "../render/alertmanager-config";
import { PLACEHOLDER_RECEIVER_SECRETS } from "../render/secrets";

type Labels = Record<string, string>;
type Matcher = (labels: Labels) => boolean;

interface Route {
  receiver?: string;
  group_by?: string[];
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  routes?: Route[];
}

interface InhibitRule {
  source_matchers?: string[];
  target_matchers?: string[];
  source_match?: Record<string, string>;
  source_match_re?: Record<string, string>;
  target_match?: Record<string, string>;
  target_match_re?: Record<string, string>;
  equal?: string[];
}

const anchored = (re: string) => new RegExp(`^(?:${re})$`);

/** One Alertmanager matcher, `label op "value"` (=, !=, =~, !~; regular expressions anchored), parsed once. */
export function parseMatcher(matcher: string): Matcher {
  const m = /^\s*"?([a-zA-Z_][a-zA-Z0-9_]*)"?\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(matcher);
  if (!m) throw new Error(`unsupported matcher: ${matcher}`);
  const [, label, op, raw] = m;
  const value = raw.replace(/\\(.)/g, "$1");
  const re = op === "=~" || op === "!~" ? anchored(value) : undefined;
  switch (op) {
    case "=":
      return (l) => (l[label] ?? "") === value;
    case "!=":
      return (l) => (l[label] ?? "") !== value;
    case "=~":
      return (l) => re!.test(l[label] ?? "");
    default:
      return (l) => !re!.test(l[label] ?? "");
  }
}

/** The matchers of a route or one side of an inhibit rule, in the current and in the older (match, match_re) form. */
function matcherOf(list: string[] | undefined, eq: Record<string, string> | undefined, re: Record<string, string> | undefined): Matcher {
  const all: Matcher[] = [
    ...(list ?? []).map(parseMatcher),
    ...Object.entries(eq ?? {}).map(([k, v]) => (l: Labels) => (l[k] ?? "") === v),
    ...Object.entries(re ?? {}).map(([k, v]) => {
      const r = anchored(v);
      return (l: Labels) => r.test(l[k] ?? "");
    }),
  ];
  return (l) => all.every((m) => m(l));
}

interface CompiledRoute {
  receiver?: string;
  groupBy?: string[];
  matches: Matcher;
  routes: CompiledRoute[];
}

const compileRoute = (r: Route): CompiledRoute => ({
  receiver: r.receiver,
  groupBy: r.group_by,
  matches: matcherOf(r.matchers, r.match, r.match_re),
  routes: (r.routes ?? []).map(compileRoute),
});

interface Placement {
  receiver: string;
  /** The route's path from the root (child indexes) and the values of its group_by labels: Alertmanager's group, one per key. */
  group: string;
}

function placeIn(route: CompiledRoute, labels: Labels, inherited: { receiver: string; groupBy: string[] }, at: string): Placement {
  const own = { receiver: route.receiver ?? inherited.receiver, groupBy: route.groupBy ?? inherited.groupBy };
  for (const [i, child] of route.routes.entries()) {
    if (child.matches(labels)) return placeIn(child, labels, own, `${at}/${i}`);
  }
  // `...` groups by every label: each distinct alert is a group of its own.
  const by = own.groupBy.includes("...") ? Object.keys(labels).sort() : own.groupBy;
  return { receiver: own.receiver, group: `${at}{${by.map((l) => `${l}=${JSON.stringify(labels[l] ?? "")}`).join(",")}}` };
}

export interface Routing {
  /** Where the configuration came from, as the report names it. */
  source: string;
  receiverOf(labels: Labels): string;
  /** The Alertmanager group an alert joins: alerts of one group share one notification, one PagerDuty dedup_key. */
  groupOf(labels: Labels): string;
  /** The receiver has at least one integration (PagerDuty, Slack, webhook, ...): it sends what it receives somewhere. */
  delivers(receiver: string): boolean;
  /** A firing `source` alert inhibits `target`. */
  inhibits(source: Labels, target: Labels): boolean;
}

export function routingOf(config: Record<string, unknown>, source: string): Routing {
  const root = compileRoute((config.route ?? {}) as Route);
  const receivers = (config.receivers ?? []) as Record<string, unknown>[];
  const delivering = new Set(
    receivers.filter((r) => Object.entries(r).some(([k, v]) => k.endsWith("_configs") && Array.isArray(v) && v.length > 0)).map((r) => String(r.name)),
  );
  const rules = ((config.inhibit_rules ?? []) as InhibitRule[]).map((r) => ({
    source: matcherOf(r.source_matchers, r.source_match, r.source_match_re),
    target: matcherOf(r.target_matchers, r.target_match, r.target_match_re),
    equal: r.equal ?? [],
  }));
  return {
    source,
    receiverOf: (labels) => placeIn(root, labels, { receiver: root.receiver ?? "", groupBy: root.groupBy ?? [] }, "").receiver,
    groupOf: (labels) => placeIn(root, labels, { receiver: root.receiver ?? "", groupBy: root.groupBy ?? [] }, "").group,
    delivers: (receiver) => delivering.has(receiver),
    inhibits: (s, t) => rules.some((r) => r.target(t) && r.source(s) && r.equal.every((l) => (s[l] ?? "") === (t[l] ?? ""))),
  };
}

/** The routing the stack deploys, from its rendered configuration. */
export function renderedRouting(c: StackConfig): Routing {
  const config = alertmanagerConfig(c, PLACEHOLDER_RECEIVER_SECRETS);
  return routingOf(config as unknown as Record<string, unknown>, "the stack's rendered Alertmanager configuration");
}
