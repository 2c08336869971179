// Registers the managed evaluator's component under mocks on the cluster given as JSON (argv[2]) and
// prints, per Kubernetes resource, whether its inputs resolve or the error they fail with. A process of
// its own: inputs that fail the preflight leave rejected promises behind, which the Pulumi runtime
// reports (and a test runner would count against whichever test runs); here they are collected as the
// runtime's own handler collects them.
import * as pulumi from "@pulumi/pulumi";
import { managedEvaluatorConfig } from "../stack-config";

const reported = new Set<string>();
process.on("unhandledRejection", (e) => void reported.add(e instanceof Error ? e.message : String(e)));

pulumi.runtime.setMocks(
  {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
  },
  "coditect-monitoring",
  "prod",
  false,
);

async function main() {
  const { ManagedRuleEvaluation } = await import("../../components/managed-rule-evaluation");
  const cluster = JSON.parse(process.argv[2]) as Record<string, unknown>;
  const seen: { type: string; name: string; props: Record<string, unknown> }[] = [];
  new ManagedRuleEvaluation("preflight", { config: managedEvaluatorConfig("prod"), cluster }, {
    transformations: [
      (args) => {
        seen.push({ type: args.type, name: args.name, props: args.props });
        return undefined;
      },
    ],
  });
  const outcome: Record<string, string> = {};
  for (const r of seen.filter((s) => s.type.startsWith("kubernetes:"))) {
    const resolved = (pulumi.output(r.props) as unknown as { promise(): Promise<unknown> }).promise();
    outcome[`${r.type.split(":").pop()} ${r.name}`] = await resolved.then(
      () => "applied",
      (e: Error) => `${e.name}: ${e.message}`,
    );
  }
  await new Promise((r) => setTimeout(r, 200));
  process.stdout.write(JSON.stringify({ outcome, reported: [...reported] }));
}

void main();
