// The rendered artifacts of both stacks are committed; any change to what gets deployed must show up
// as a reviewed diff of test/golden (regenerate with `npm run golden:update`).
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, STACKS } from "../lib/stack-file";
import { renderStack, stackConfigForRender } from "../render/cli";
import { renderManifests } from "../tools/manifests";

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full).split(path.sep).join("/")] = fs.readFileSync(full, "utf8");
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return files;
}

describe.each(STACKS)("golden artifacts of %s", (stack) => {
  const rendered = { ...renderStack(stack), ...renderManifests(stackConfigForRender(stack)) };
  const golden = readTree(path.join(PROJECT_ROOT, "test", "golden", stack));

  test("the same files exist", () => {
    expect(Object.keys(golden).sort()).toEqual(Object.keys(rendered).sort());
  });

  test.each(Object.keys(rendered))("%s matches (npm run golden:update to accept a change)", (file) => {
    expect(rendered[file]).toBe(golden[file]);
  });
});

