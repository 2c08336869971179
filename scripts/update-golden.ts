// npm run golden:update — rewrites test/golden/<stack>/ from the current code, so the diff of a change
// shows exactly what it changes in the deployed artifacts and, through the real Helm, in the cluster.
import * as path from "path";
import { PROJECT_ROOT, STACKS } from "../lib/stack-file";
import { renderStack, stackConfigForRender, writeArtifacts } from "../render/cli";
import { renderManifests } from "../tools/manifests";

for (const stack of STACKS) {
  const out = path.join(PROJECT_ROOT, "test", "golden", stack);
  writeArtifacts({ ...renderStack(stack), ...renderManifests(stackConfigForRender(stack)) }, out);
  console.log(`updated ${path.relative(PROJECT_ROOT, out)}`);
}
