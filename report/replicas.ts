// Which series of the query APIs the report reads: the stack's environment's, and whose replica. A
// long-term store holds every environment's series (staging and prod remote-write to the same one),
// each with the `environment` external label remote write adds; a Prometheus' own query API stores none
// of its external labels, and holds its own environment's series alone.
import { SLI_SERIES } from "../lib/identities";
import { ENVIRONMENT_LABEL } from "../lib/long-term";
import { span, type Replica } from "./data";
import { EXIT, ReportError } from "./errors";
import type { Month } from "./month";
import type { QueryApi } from "./prometheus";

export interface Source {
  url: string;
  api: QueryApi;
}

/** Values of `label` on the SLI's series the month holds, "" for series without it. */
async function valuesOf(api: QueryApi, label: string, month: Month, matcher = ""): Promise<string[]> {
  const { range, time } = span(month);
  const found = await api.vector(`count by (${label}) (count_over_time(${SLI_SERIES.unavailable}{${matcher}}[${range}]))`, time);
  return found.map((s) => s.metric[label] ?? "");
}

/**
 * The matcher selecting the environment's series of a query API: `environment="prod"` where its series
 * carry environments, none where they carry none (a Prometheus replica's own record). A query API whose
 * series are only other environments' is the wrong one, or read with another environment's credentials.
 */
export async function environmentMatcher(source: Source, environment: string, month: Month, monthName: string): Promise<string> {
  const found = await valuesOf(source.api, ENVIRONMENT_LABEL, month);
  if (found.includes(environment)) return `${ENVIRONMENT_LABEL}=${JSON.stringify(environment)}`;
  const others = found.filter(Boolean).sort();
  if (others.length) {
    throw new ReportError(
      `no samples of the SLI (${SLI_SERIES.unavailable}) of ${ENVIRONMENT_LABEL} "${environment}" in ${monthName} at ${source.url}, only of ${others.map((e) => `"${e}"`).join(", ")}: wrong query API, or credentials of another environment`,
      EXIT.noData,
    );
  }
  return "";
}

/**
 * The replicas the report merges: a query API each, or the values of the replica label in one (those
 * that recorded the environment's SLI in the month).
 */
export async function replicasOf(sources: Source[], environment: string, month: Month, monthName: string, replicaLabel?: string): Promise<Replica[]> {
  const matchers = await Promise.all(sources.map((s) => environmentMatcher(s, environment, month, monthName)));
  if (!replicaLabel) return sources.map((s, i) => ({ name: s.url, api: s.api, environment: matchers[i], selector: "" }));
  const [source] = sources;
  const values = await valuesOf(source.api, replicaLabel, month, matchers[0]);
  return values.map((value) => ({ name: `${replicaLabel}=${value}`, api: source.api, environment: matchers[0], selector: `${replicaLabel}=${JSON.stringify(value)}` }));
}
