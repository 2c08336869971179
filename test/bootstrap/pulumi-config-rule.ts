// The check the Pulumi CLI runs on a stack's config before every preview and update, restated so that
// the tests can run it without the CLI. Read from pulumi/pulumi:
//   - pkg/workspace/config.go, mergeConfig: the values of the stack's ESC environments (`pulumiConfig`)
//     are merged under the stack file's; then every key the project declares in its own namespace that
//     is set nowhere and has no `default` (or `value`) is missing ("Stack 'x' is missing configuration
//     value 'k'"); declared defaults fill the gaps;
//   - pkg/workspace/config.go, validateStackConfigValue: for every explicitly typed key, a `secret: true`
//     key must hold an encrypted value (a stack file's `secure:`, or an ESC `fn::secret`, which the CLI
//     encrypts when it merges the environment) and the value must be of the declared type. A default
//     is stored unencrypted, so a secret key with a default fails this check whenever it is not set;
//   - sdk/go/common/workspace/project.go, Project.Validate and ValidateConfigValue: what a declaration
//     may hold, and what "of the declared type" means (stack file scalars arrive as strings; integer and
//     boolean accept their string forms).

/** One key's declaration under `config:` in Pulumi.yaml (a bare scalar is shorthand for a default). */
export interface Declaration {
  type?: "string" | "integer" | "boolean" | "array" | "object";
  items?: ItemsType;
  description?: string;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}
interface ItemsType {
  type: string;
  items?: ItemsType;
}

/** A config value as the CLI holds it after loading the stack file and its environments. */
export interface ConfigValue {
  /** A scalar as its string, an object or array as itself. */
  value: unknown;
  /** Encrypted: `secure:` in the stack file, or a secret ESC value. */
  secure: boolean;
}

export interface Project {
  name: string;
  config?: Record<string, Declaration | string | number | boolean | unknown[]>;
}

const DECLARATION_KEYS = ["type", "items", "description", "default", "value", "secret"];

/** Pulumi.yaml's `config:` entries as declarations (bare values are defaults, as the CLI reads them). */
export function declarations(project: Project): Record<string, Declaration> {
  return Object.fromEntries(
    Object.entries(project.config ?? {}).map(([key, d]) => {
      const isDeclaration = d !== null && typeof d === "object" && !Array.isArray(d) && Object.keys(d).every((k) => DECLARATION_KEYS.includes(k));
      return [key, isDeclaration ? (d as Declaration) : { default: d }];
    }),
  );
}

/** `project:key` for a key written with or without its namespace. */
export function fullKey(projectName: string, key: string): string {
  return key.includes(":") ? key : `${projectName}:${key}`;
}

/** The problems Project.Validate reports for the project's config declarations. */
export function validateProject(project: Project): string[] {
  const problems: string[] = [];
  for (const [key, d] of Object.entries(declarations(project))) {
    if (d.default !== undefined && d.value !== undefined) problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    const ownNamespace = !key.includes(":") || key.startsWith(`${project.name}:`);
    if (ownNamespace) {
      if (d.type === "array" && !d.items) problems.push(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
      if (d.type && d.default !== undefined && !matchesType(d.type, d.items, d.default)) {
        problems.push(`The default value specified for configuration key '${key}' is not of the expected type '${d.type}'`);
      }
    } else if (d.type || d.default !== undefined || d.value === undefined) {
      problems.push(`Configuration key '${key}' is not namespaced by the project and must provide only a 'value'`);
    }
  }
  return problems;
}

function matchesType(type: string, items: ItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return Array.isArray(value) && items !== undefined && value.every((v) => matchesType(items.type, items.items, v));
  }
}

function formatKeys(keys: string[]): string {
  if (keys.length === 1) return `'${keys[0]}'`;
  const quoted = [...keys].sort().map((k) => `'${k}'`);
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/**
 * What `pulumi preview`/`pulumi up` would refuse for this stack: the stack file's values (`stack`) merged
 * over its environments' `pulumiConfig` (`environment`), checked against the project's declarations.
 * Keys are full (`namespace:key`). Empty when the CLI would accept the config.
 */
export function stackConfigProblems(project: Project, stackName: string, stack: Record<string, ConfigValue>, environment: Record<string, ConfigValue>): string[] {
  const merged: Record<string, ConfigValue> = { ...environment, ...stack };
  const declared = declarations(project);
  const missing: string[] = [];
  for (const [key, d] of Object.entries(declared)) {
    const full = fullKey(project.name, key);
    if (full in merged) continue;
    const fallback = d.value ?? d.default;
    if (fallback === undefined) {
      if (full.startsWith(`${project.name}:`)) missing.push(key);
      continue;
    }
    merged[full] = { value: typeof fallback === "object" ? fallback : String(fallback), secure: false };
  }
  if (missing.length > 0) return [`Stack '${stackName}' is missing configuration value${missing.length > 1 ? "s" : ""} ${formatKeys(missing)}`];

  const problems: string[] = [];
  for (const key of Object.keys(declared).sort()) {
    const d = declared[key];
    const v = merged[fullKey(project.name, key)];
    if (!d.type || !v) continue;
    if (d.secret && !v.secure) problems.push(`Stack '${stackName}' with configuration key '${key}' must be encrypted as it's secret`);
    else if (!matchesType(d.type, d.items, v.value)) problems.push(`Stack '${stackName}' with configuration key '${key}' must be of type '${d.type}'`);
  }
  return problems;
}

/** A stack file's `config:` as the CLI loads it: scalars become strings, `secure:` values are encrypted. */
export function stackFileValues(projectName: string, config: Record<string, unknown>): Record<string, ConfigValue> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      const secure = value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
      const scalar = value === null || typeof value !== "object";
      return [fullKey(projectName, key), { value: secure ? "<encrypted>" : scalar ? String(value) : value, secure }];
    }),
  );
}
