// The compliance policy pack: `pulumi preview --policy-pack policy` (the workflows run it on every
// preview and update). Only wiring lives here: constructing a PolicyPack starts the policy server
// (and exits the process outside the Pulumi CLI), so tests never import this file; they test the
// catalogue in ./checks, which is exactly what is wired here.
import { PolicyPack, type PolicyConfigSchema, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_SETTINGS, RESOURCE_POLICIES, STACK_POLICIES, stackOfUrn, type PolicySettings } from "./checks";

function configSchema(keys: (keyof PolicySettings)[]): PolicyConfigSchema | undefined {
  if (keys.length === 0) return undefined;
  const properties: PolicyConfigSchema["properties"] = {};
  for (const key of keys) {
    const value = DEFAULT_SETTINGS[key];
    properties[key] =
      typeof value === "number" ? { type: "integer", minimum: 1, default: value } : { type: "array", items: { type: "string" }, default: value };
  }
  return { properties };
}

const resourcePolicies: ResourceValidationPolicy[] = RESOURCE_POLICIES.map((p) => ({
  name: p.name,
  description: p.description,
  enforcementLevel: "mandatory",
  configSchema: configSchema(p.settings),
  validateResource: (args, reportViolation) => {
    if (!p.types.includes(args.type)) return;
    const settings: PolicySettings = { ...DEFAULT_SETTINGS, ...args.getConfig<Partial<PolicySettings>>() };
    for (const violation of p.check(args.props, { type: args.type, stack: stackOfUrn(args.urn), name: args.name, settings })) {
      reportViolation(violation);
    }
  },
}));

const stackPolicies: StackValidationPolicy[] = STACK_POLICIES.map((p) => ({
  name: p.name,
  description: p.description,
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const resources = args.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.props, propertyDependencies: r.propertyDependencies }));
    for (const v of p.check(resources)) reportViolation(v.message, v.urn);
  },
}));

new PolicyPack("coditect-monitoring", { policies: [...resourcePolicies, ...stackPolicies] });
