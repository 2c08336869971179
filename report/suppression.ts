// Whether Alertmanager held an alert back, worked out from the alerts' history: silenced (a silence
// whose matchers match its labels was active) or inhibited (an alert matching an inhibit rule's source
// was firing with the same `equal` labels). Alertmanager keeps no history of either; ALERTS, the
// silences it still holds and its inhibit rules are enough to tell it again for any past evaluation.
import type { Silence, SilenceMatcher } from "./alertmanager";
import type { Routing } from "./routing";

type Labels = Record<string, string>;

const compiled = new Map<string, RegExp>();
const anchored = (re: string) => compiled.get(re) ?? compiled.set(re, new RegExp(`^(?:${re})$`)).get(re)!;

/** As Alertmanager matches a silence's matcher (regular expressions anchored, a missing label is ""). */
export function silenceMatcherMatches(m: SilenceMatcher, labels: Labels): boolean {
  const actual = labels[m.name] ?? "";
  const hit = m.isRegex ? anchored(m.value).test(actual) : actual === m.value;
  return (m.isEqual ?? true) ? hit : !hit;
}

export const silenceMatches = (s: Silence, labels: Labels) => s.matchers.every((m) => silenceMatcherMatches(m, labels));

/** The silence covers time t: from its start to its end, both included, as Alertmanager's silence state does. */
export const silenceActiveAt = (s: Silence, t: number) => t >= s.startsAt && t <= s.endsAt;

export interface FiringSpan {
  /** The alert's identity: its labels, sorted. */
  key: string;
  labels: Labels;
  from: number;
  /** The last firing evaluation plus one interval: the alert stays firing until the next evaluation. */
  to: number;
}

/** The silences that silenced these labels at time t. */
export const silencing = (silences: Silence[], labels: Labels, t: number) => silences.filter((s) => silenceActiveAt(s, t) && silenceMatches(s, labels));

/** The firing spans of the other alerts that inhibit this one (while they fire). */
export const inhibitors = (routing: Routing, spans: FiringSpan[], target: { key: string; labels: Labels }) =>
  spans.filter((s) => s.key !== target.key && routing.inhibits(s.labels, target.labels));

/** One of these spans was firing at time t. */
export const firingAt = (spans: FiringSpan[], t: number) => spans.some((s) => t >= s.from && t < s.to);
