// The few flags the local commands share.
import { isStackName, STACKS, type StackName } from "../lib/stack-file";
import { LABEL_SCHEMES, type LabelScheme } from "../rules/metric-contract";

export const DEFAULT_BASE_PORT = 19090;
/** The orchestrator's control port, where `npm run fault` sends faults. */
export const controlPort = (basePort: number) => basePort + 50;

export function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

export function stackFlag(argv: string[], fallback: StackName): StackName {
  const stack = flag(argv, "stack") ?? fallback;
  if (!isStackName(stack)) {
    console.error(`--stack must be one of ${STACKS.join(", ")}, got ${stack}`);
    process.exit(2);
  }
  return stack;
}

export function portFlag(argv: string[]): number {
  const port = Number(flag(argv, "base-port") ?? DEFAULT_BASE_PORT);
  if (!Number.isInteger(port) || port < 1024 || port > 65000) {
    console.error(`--base-port must be a port number between 1024 and 65000`);
    process.exit(2);
  }
  return port;
}

/**
 * How the simulated API labels its per-license series: `adr` (the default), the license key on every
 * per-license counter as ADR-019's metrics.py does; `contract`, the metric contract's license id on
 * sessions, seat limits and denials only (docs/metrics.md).
 */
export function labelsFlag(argv: string[]): LabelScheme {
  const labels = flag(argv, "labels") ?? "adr";
  if (!(LABEL_SCHEMES as readonly string[]).includes(labels)) {
    console.error(`--labels must be one of ${LABEL_SCHEMES.join(", ")}, got ${labels}`);
    process.exit(2);
  }
  return labels as LabelScheme;
}
