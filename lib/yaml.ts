import { stringify } from "yaml";

/** YAML as every rendered artifact is written: stable, no line folding, so diffs stay readable. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}
