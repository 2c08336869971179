// A client of Alertmanager's API v2 (api/v2/openapi.yaml upstream): the silences it still holds and
// the configuration it runs. Credentials come from the environment only, like the query API's:
// ALERTMANAGER_BEARER_TOKEN, or ALERTMANAGER_USERNAME and ALERTMANAGER_PASSWORD.
import { parse } from "yaml";
import { EXIT, ReportError } from "./errors";

/** One matcher of a silence: `isEqual` false negates it, `isRegex` makes the value an anchored regular expression. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

export interface Silence {
  id: string;
  state: "active" | "pending" | "expired";
  matchers: SilenceMatcher[];
  /** Unix seconds. An expired silence ends when it was expired, not when it was meant to. */
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export interface AlertmanagerView {
  url: string;
  /** Unix seconds at which the silences were read. */
  readAt: number;
  silences: Silence[];
  /** The configuration Alertmanager runs (`config.original` of /api/v2/status; its secrets masked). */
  config: Record<string, unknown>;
}

interface GettableSilence {
  id: string;
  status: { state: Silence["state"] };
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export async function readAlertmanager(baseUrl: string, headers: Record<string, string>, onRequest: () => void = () => {}, timeoutMs = 30_000): Promise<AlertmanagerView> {
  const base = baseUrl.replace(/\/$/, "");
  async function get<T>(p: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}/api/v2/${p}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new ReportError(`cannot reach the Alertmanager API at ${baseUrl}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, EXIT.unreachable);
    }
    if (response.status === 401 || response.status === 403)
      throw new ReportError(`${baseUrl} refused the credentials (HTTP ${response.status}); set ALERTMANAGER_BEARER_TOKEN or ALERTMANAGER_USERNAME/ALERTMANAGER_PASSWORD`, EXIT.unreachable);
    const text = await response.text();
    if (!response.ok) throw new ReportError(`${baseUrl}/api/v2/${p} answered HTTP ${response.status}: ${text.slice(0, 200)}`, EXIT.unreachable);
    try {
      onRequest();
      return JSON.parse(text) as T;
    } catch {
      throw new ReportError(`${baseUrl} is no Alertmanager API v2 (/api/v2/${p} is not JSON)`, EXIT.unreachable);
    }
  }
  const readAt = Date.now() / 1000;
  const [silences, status] = await Promise.all([get<GettableSilence[]>("silences"), get<{ config?: { original?: string } }>("status")]);
  if (!Array.isArray(silences) || typeof status.config?.original !== "string") throw new ReportError(`${baseUrl} is no Alertmanager API v2 (no silences list or no config in its status)`, EXIT.unreachable);
  return {
    url: baseUrl,
    readAt,
    silences: silences.map((s) => ({
      id: s.id,
      state: s.status.state,
      matchers: s.matchers,
      startsAt: Date.parse(s.startsAt) / 1000,
      endsAt: Date.parse(s.endsAt) / 1000,
      createdBy: s.createdBy,
      comment: s.comment,
    })),
    config: parse(status.config.original) as Record<string, unknown>,
  };
}

/** Alertmanager's default --data.retention: how long it keeps a silence after the silence ended. */
export const DEFAULT_RETENTION_SECONDS = 120 * 3600;
