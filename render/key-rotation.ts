// When the Cloud Monitoring reader's key is replaced, as a pure function of the date: time is cut into
// periods of grafana.cloudMonitoringKeyRotationDays, counted from 1970-01-01 UTC, and the key's keeper
// is the period's number. The first `pulumi up` of a new period (any deploy, or the deploy workflow's
// weekly run) sees the keeper change and replaces the key; the preview before it shows the replacement.
// This needs no refresh: a time_rotating resource (terraform-provider-time v0.12.1, which
// @pulumiverse/time 0.1.1 wraps) notices its rotation time only when read, and a plain `pulumi up`
// never reads it (internal/provider/resource_time_rotating.go: Read removes it from the state once
// past `rotation_rfc3339`; the plan's replace-if-outdated check compares the state with itself).
import type { StackConfig } from "../config";

const DAY_MS = 86_400_000;

export interface RotationPeriod {
  /** The period's number: the key's keeper. */
  index: number;
  /** When it began and when the next begins (ISO 8601, UTC). */
  from: string;
  until: string;
}

export function keyRotationPeriod(c: StackConfig, now: Date): RotationPeriod {
  const length = c.grafana.cloudMonitoringKeyRotationDays * DAY_MS;
  const index = Math.floor(now.getTime() / length);
  return { index, from: new Date(index * length).toISOString(), until: new Date((index + 1) * length).toISOString() };
}
