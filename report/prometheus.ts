// A client of the Prometheus HTTP query API (the in-cluster Prometheus, Thanos, Mimir, Cortex, Google
// Managed Prometheus: anything that answers /api/v1/query). Credentials come from the environment only:
// PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_USERNAME and PROMETHEUS_PASSWORD for basic auth (another
// prefix for another query API: MANAGED_PROMETHEUS_BEARER_TOKEN for Managed Service for Prometheus).
import { EXIT, ReportError } from "./errors";

export interface Sample {
  metric: Record<string, string>;
  /** [unix seconds, value] */
  value: [number, number];
}

export interface Series {
  metric: Record<string, string>;
  values: [number, number][];
}

export interface QueryApi {
  /** An instant query whose result is a vector. */
  vector(expr: string, time: number): Promise<Sample[]>;
  /** An instant query of a range selector: the raw samples of each series. */
  matrix(expr: string, time: number): Promise<Series[]>;
}

/** Auth headers from <PREFIX>_BEARER_TOKEN, or <PREFIX>_USERNAME and <PREFIX>_PASSWORD (basic auth). */
export function authHeaders(env: NodeJS.ProcessEnv, prefix = "PROMETHEUS"): Record<string, string> {
  const [token, user, password] = [env[`${prefix}_BEARER_TOKEN`], env[`${prefix}_USERNAME`], env[`${prefix}_PASSWORD`]];
  if (token) return { Authorization: `Bearer ${token}` };
  if (user || password) {
    if (!user || !password) throw new ReportError(`set both ${prefix}_USERNAME and ${prefix}_PASSWORD for basic auth`, EXIT.usage);
    return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
  }
  return {};
}

interface ApiAnswer {
  status: "success" | "error";
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] };
}

/** A client of the query API at `baseUrl`, authenticated with the environment variables of `prefix` (authHeaders). */
export function prometheusClient(baseUrl: string, env: NodeJS.ProcessEnv, prefix = "PROMETHEUS", onQuery: () => void = () => {}, timeoutMs = 60_000): QueryApi {
  const url = `${baseUrl.replace(/\/$/, "")}/api/v1/query`;
  const headers = authHeaders(env, prefix);
  async function query(expr: string, time: number) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query: expr, time: time.toFixed(3) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ReportError(`cannot reach the Prometheus query API at ${baseUrl}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, EXIT.unreachable);
    }
    if (response.status === 401 || response.status === 403)
      throw new ReportError(`${baseUrl} refused the credentials (HTTP ${response.status}); set ${prefix}_BEARER_TOKEN or ${prefix}_USERNAME/${prefix}_PASSWORD`, EXIT.unreachable);
    const text = await response.text();
    let answer: ApiAnswer;
    try {
      answer = JSON.parse(text) as ApiAnswer;
    } catch {
      throw new ReportError(`${baseUrl} is no Prometheus query API (HTTP ${response.status}, not JSON)`, EXIT.unreachable);
    }
    if (answer.status !== "success" || !answer.data) throw new ReportError(`query rejected (HTTP ${response.status}): ${answer.error ?? "no data"}\n  ${expr}`, EXIT.failed);
    onQuery();
    return answer.data;
  }
  return {
    async vector(expr, time) {
      const data = await query(expr, time);
      if (data.resultType !== "vector") throw new ReportError(`expected a vector from ${expr}, got ${data.resultType}`, EXIT.failed);
      return data.result.map((r) => ({ metric: r.metric, value: [r.value![0], Number(r.value![1])] }));
    },
    async matrix(expr, time) {
      const data = await query(expr, time);
      if (data.resultType !== "matrix") throw new ReportError(`expected a matrix from ${expr}, got ${data.resultType}`, EXIT.failed);
      return data.result.map((r) => ({ metric: r.metric, values: r.values!.map(([t, v]) => [t, Number(v)] as [number, number]) }));
    },
  };
}
