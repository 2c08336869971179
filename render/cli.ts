// npm run render -- --stack <staging|prod> --out <dir>
import * as fs from "fs";
import * as path from "path";
import { ConfigError, NAMESPACE, parseConfig } from "../config";
import { isStackName, readStackConfig, STACKS } from "../lib/stack-file";
import { renderArtifacts } from "./artifacts";
import { PLACEHOLDER_SECRETS } from "./secrets";

/**
 * A stack's validated config with placeholders for the secrets (secrets never reach a rendered file):
 * what the render command, the local stack and the tests all start from. `edit` may change the stack
 * file's raw values first.
 */
export function stackConfigForRender(stack: (typeof STACKS)[number], edit: (raw: Record<string, string>) => void = () => {}) {
  const raw = readStackConfig(stack);
  edit(raw);
  for (const [key, value] of Object.entries(PLACEHOLDER_SECRETS)) raw[`${NAMESPACE}:${key}`] = value;
  return parseConfig(raw).config;
}

export function renderStack(stack: (typeof STACKS)[number]) {
  return renderArtifacts(stackConfigForRender(stack));
}

export function writeArtifacts(files: Record<string, string>, out: string): void {
  fs.rmSync(out, { recursive: true, force: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(out, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const stack = arg("stack");
  const out = arg("out");
  if (!stack || !isStackName(stack) || !out) {
    console.error(`usage: npm run render -- --stack <${STACKS.join("|")}> --out <dir>`);
    process.exit(2);
  }
  try {
    const files = renderStack(stack);
    writeArtifacts(files, out);
    console.log(`rendered ${Object.keys(files).length} artifacts of stack ${stack} into ${out}`);
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

if (require.main === module) main(process.argv.slice(2));
