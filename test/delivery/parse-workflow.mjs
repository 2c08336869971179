// Parses GitHub Actions workflow files with GitHub's own parser (@actions/workflow-parser, the one
// behind the Actions language service) and prints, as JSON, each file's validation errors and the
// converted workflow template. A separate process because the parser ships as an ES module only and
// jest runs this project's tests as CommonJS.
//
//   node test/delivery/parse-workflow.mjs .github/workflows/preview.yml [...]
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";

const results = {};
for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: basename(file), content: readFileSync(file, "utf8") }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  let template = null;
  if (parsed.value !== undefined) {
    const converted = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(converted.errors ?? []).map((e) => e.Message));
    template = JSON.parse(JSON.stringify(converted));
  }
  results[file] = { errors: [...new Set(errors)], template };
}
process.stdout.write(JSON.stringify(results));
