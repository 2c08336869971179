// npm run golden:update — rewrites test/golden/<stack>/ from the current code, so the diff of a change
// shows exactly what it changes in the deployed artifacts.
import * as path from "path";
import { PROJECT_ROOT, STACKS } from "../lib/stack-file";
import { renderStack, writeArtifacts } from "../render/cli";

for (const stack of STACKS) {
  const out = path.join(PROJECT_ROOT, "test", "golden", stack);
  writeArtifacts(renderStack(stack), out);
  console.log(`updated ${path.relative(PROJECT_ROOT, out)}`);
}
