// What one Prometheus knows about whether the API's /metrics targets are gone, and what it does not.
// A target that leaves discovery (pods deleted, scaled to zero) gets a staleness marker, and its `up`
// series disappears. A Prometheus that has just started, on an empty volume or after a restart longer
// than the lookback, has no `up` series either: it knows nothing yet. The two differ in the recent
// past: targets seen a moment ago and gone now have vanished; targets never seen by this Prometheus
// are unknown, and are neither an outage nor a page.
import type { StackConfig } from "../config";
import { duration, seconds } from "../lib/duration";
import { selectors } from "../lib/identities";

/** A target last scraped this recently, and gone now, has vanished: two scrape intervals, so a staleness marker always falls inside. */
export const goneWithin = (c: StackConfig) => duration(2 * seconds(c.licenseApi.scrapeInterval));

/** 1 while no /metrics target of the API is in discovery but one was a moment ago; nothing otherwise. */
export function targetsJustVanished(c: StackConfig): string {
  const { api } = selectors(c);
  return `(count(max_over_time(up{${api}}[${goneWithin(c)}])) * 0 + 1 unless on () count(up{${api}}))`;
}
