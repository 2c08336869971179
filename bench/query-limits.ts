// The limits a query on Grafana Cloud's Mimir runs into, as their public documentation states them:
// Grafana Cloud's own defaults where its usage-limits page lists one, Mimir's defaults where it does not
// (Grafana Cloud does not publish its value for those), and Grafana Cloud's fair-use query allowance.

export const GRAFANA_CLOUD_LIMITS_URL = "https://grafana.com/docs/grafana-cloud/cost-management-and-billing/manage-invoices/understand-your-invoice/usage-limits/";
export const MIMIR_CONFIGURATION_URL = "https://grafana.com/docs/mimir/latest/configure/configuration-parameters/";
export const QUERY_COSTS_URL = "https://grafana.com/docs/grafana-cloud/platform/cost-management-and-billing/analyze-costs/reduce-costs/metrics-costs/manage-query-costs/";

export const QUERY_LIMITS = {
  /** The time a querier may read for one (partial) query: the query's range plus its longest range selector or the lookback. */
  maxPartialQueryLength: { name: "max_partial_query_length", seconds: 768 * 3600, source: GRAFANA_CLOUD_LIMITS_URL },
  maxFetchedChunksPerQuery: { name: "max_fetched_chunks_per_query", value: 2_000_000, source: GRAFANA_CLOUD_LIMITS_URL },
  /** Samples one query may hold in memory at once (Prometheus' peak samples). */
  maxSamples: { name: "-querier.max-samples", value: 50_000_000, source: MIMIR_CONFIGURATION_URL },
  timeout: { name: "-querier.timeout", seconds: 120, source: MIMIR_CONFIGURATION_URL },
  /** Prometheus' and Mimir's `lookback_delta`: how far back an instant selector reads. */
  lookback: { name: "-querier.lookback-delta", seconds: 300, source: MIMIR_CONFIGURATION_URL },
  /** Query units a month included per 1,000 billable series; each sample a query reads counts toward them. */
  fairUseUnitsPer1000Series: { name: "fair-use query allowance", value: 20e9, source: QUERY_COSTS_URL },
} as const;

/** The TSDB cuts a chunk at 120 samples (Prometheus and Mimir alike). */
export const SAMPLES_PER_CHUNK = 120;
