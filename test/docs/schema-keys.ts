// Every key of the stack config's schema, as the configuration reference (docs/configuration.md) names
// it: `section.key.subkey`, `[]` for the elements of a list of objects, the keys of every variant of a
// union together. Leaves are keys; so are the objects a stack may leave out or set to null, which
// have a default of their own.
import { z } from "zod";

export interface SchemaKey {
  key: string;
  /** The value may be left out (undefined) or set to null. */
  optional: boolean;
  nullable: boolean;
  node: z.ZodTypeAny;
}

function unwrap(node: z.ZodTypeAny): { node: z.ZodTypeAny; optional: boolean; nullable: boolean } {
  let optional = false;
  let nullable = false;
  for (;;) {
    if (node instanceof z.ZodOptional) optional = true;
    else if (node instanceof z.ZodNullable) nullable = true;
    else return { node, optional, nullable };
    node = node.unwrap() as z.ZodTypeAny;
  }
}

/** The object variants a node stands for: the object itself, each object of a union, none for a leaf. */
function objects(node: z.ZodTypeAny): z.ZodObject[] {
  if (node instanceof z.ZodObject) return [node];
  if (node instanceof z.ZodUnion) return (node.options as z.ZodTypeAny[]).flatMap(objects);
  return [];
}

export function schemaKeys(root: z.ZodObject, prefix = ""): SchemaKey[] {
  const seen = new Map<string, SchemaKey>();
  const walk = (node: z.ZodTypeAny, key: string) => {
    const u = unwrap(node);
    const inner = u.node instanceof z.ZodArray && objects(u.node.element as z.ZodTypeAny).length > 0 ? (u.node.element as z.ZodTypeAny) : u.node;
    const variants = objects(inner);
    if (variants.length === 0 || u.optional || u.nullable) if (!seen.has(key)) seen.set(key, { key, ...u });
    const at = inner === u.node ? key : `${key}[]`;
    for (const v of variants) for (const [k, child] of Object.entries(v.shape)) walk(child as z.ZodTypeAny, `${at}.${k}`);
  };
  for (const [k, child] of Object.entries(root.shape)) walk(child as z.ZodTypeAny, `${prefix}${k}`);
  return [...seen.values()];
}
