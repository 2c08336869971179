// The stack itself complies: every policy of the pack, run over every resource the real program
// registers for each stack under Pulumi mocks.
import { runProgram, type ProgramRun } from "../test/harness";
import { STACKS } from "../lib/stack-file";
import { DEFAULT_SETTINGS, RESOURCE_POLICIES, STACK_POLICIES, TYPES, type StackResource } from "./checks";

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** The mocks give every resource the id `${name}-id`; an input holding that id depends on that resource. */
function toStackResources(run: ProgramRun, stack: string): StackResource[] {
  const urn = (r: { type: string; name: string }) => `urn:pulumi:${stack}::coditect-monitoring::${r.type}::${r.name}`;
  const byId = new Map(run.resources.map((r) => [`${r.name}-id`, r]));
  return run.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: urn(r),
    props: r.inputs,
    propertyDependencies: Object.fromEntries(
      Object.entries(r.inputs).map(([key, value]) => [
        key,
        strings(value).flatMap((s) => (byId.has(s) ? [{ type: byId.get(s)!.type, urn: urn(byId.get(s)!) }] : [])),
      ]),
    ),
  }));
}

/** Kinds this program does not create; policies on them only guard against adding one the wrong way. */
const NOT_CREATED: string[] = [TYPES.configMap, TYPES.service];
const APPLIED = RESOURCE_POLICIES.filter((p) => !p.types.every((t) => NOT_CREATED.includes(t)));

describe.each(STACKS)("stack %s", (stack) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack);
  });

  // Each policy is checked on the resources it looks at, and there must be some: a policy applied to
  // nothing passes whatever it checks.
  it.each(APPLIED.map((p) => [p.name, p] as const))("complies with %s, on at least one resource", (_name, policy) => {
    const looked = run.resources.filter((r) => policy.types.includes(r.type));
    expect(looked.length).toBeGreaterThan(0);
    const found = looked.flatMap((r) => policy.check(r.inputs, { type: r.type, stack, name: r.name, settings: DEFAULT_SETTINGS }).map((v) => `${r.name}: ${v}`));
    expect(found).toEqual([]);
  });

  it("creates no ConfigMap and no Service of its own: the policies on them guard future changes, tested in checks.test.ts", () => {
    for (const type of NOT_CREATED) expect({ type, names: run.ofType(type).map((r) => r.name) }).toEqual({ type, names: [] });
    expect(RESOURCE_POLICIES.length - APPLIED.length).toBe(1);
  });

  it.each(STACK_POLICIES.map((p) => [p.name, p] as const))("complies with %s", (_name, policy) => {
    expect(policy.check(toStackResources(run, stack))).toEqual([]);
  });

  it("has resources the policies look at (so compliance is not vacuous)", () => {
    for (const type of [TYPES.helmRelease, TYPES.prometheusRule, TYPES.pagerdutyService, TYPES.pagerdutyEscalationPolicy]) {
      expect({ type, count: run.ofType(type).length > 0 }).toEqual({ type, count: true });
    }
    const [service] = toStackResources(run, stack).filter((r) => r.type === TYPES.pagerdutyService);
    expect(service.propertyDependencies.escalationPolicy.map((d) => d.type)).toEqual([TYPES.pagerdutyEscalationPolicy]);
  });
});
