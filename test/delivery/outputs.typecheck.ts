// Compile-time contract between index.ts's exports and stack-outputs.ts (checked by `tsc -p .`; jest
// does not run this file). `import type` loads nothing, so no resource is created.
import type * as pulumi from "@pulumi/pulumi";
import type * as program from "../../index";
import type { StackOutputs } from "../../stack-outputs";

type Exports = typeof program;
type Documented = keyof StackOutputs;
type RequiredOutputs = { [K in Documented]-?: object extends Pick<StackOutputs, K> ? never : K }[Documented];

/** Documented, required, and not exported by index.ts. */
type Missing = Exclude<RequiredOutputs, keyof Exports>;
/** Exported with a type app deploys would not get from the documented one. */
type WrongType = { [K in Documented & keyof Exports]: Exports[K] extends pulumi.Input<NonNullable<StackOutputs[K]>> ? never : K }[Documented &
  keyof Exports];

// A compile error on one of these lines names the outputs to fix (in index.ts or stack-outputs.ts).
export const everyRequiredOutputIsExported: [Missing] extends [never] ? true : { missing: Missing } = true;
export const exportsHaveTheDocumentedTypes: [WrongType] extends [never] ? true : { wrongType: WrongType } = true;
