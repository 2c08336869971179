// Staging and prod create their on-call in one PagerDuty account: both programs run under mocks side by
// side, and no team, schedule, escalation policy or service of one has the name of one of the other's.
import { STACKS, type StackName } from "../../lib/stack-file";
import { ProgramFailure, runProgram, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";
import { T } from "./describe-stack";

const ON_CALL = { team: T.pdTeam, schedule: T.pdSchedule, escalation: T.pdEscalation, service: T.pdService };

const runs = {} as Record<StackName, ProgramRun>;
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await runProgram(stack);
}, 60_000);

/** The names the stack gives its PagerDuty objects, by kind. */
const namesOf = (run: ProgramRun) => Object.fromEntries(Object.entries(ON_CALL).map(([kind, type]) => [kind, run.ofType(type).map((r) => r.inputs.name as string)]));

test("each stack creates one of each, named after its environment", () => {
  for (const stack of STACKS) {
    const names = namesOf(runs[stack]);
    for (const [kind, list] of Object.entries(names)) expect({ stack, kind, names: list.map((n) => n.endsWith(` (${stack})`)) }).toEqual({ stack, kind, names: [true] });
  }
});

test("no team, schedule, escalation policy or service of one stack has the name of the other's", () => {
  const [staging, prod] = [namesOf(runs.staging), namesOf(runs.prod)];
  for (const kind of Object.keys(ON_CALL)) expect({ kind, shared: staging[kind].filter((n) => prod[kind].includes(n)) }).toEqual({ kind, shared: [] });
});

test("staging with prod's names is refused before any resource is registered, naming each key", async () => {
  const prod = namesOf(runs.prod);
  const pagerduty = structuredClone(testStackConfig("staging").pagerduty) as Record<string, { name: string }>;
  for (const kind of Object.keys(ON_CALL)) pagerduty[kind].name = prod[kind][0];
  const failure = (await runProgram("staging", { config: { pagerduty } }).catch((e: unknown) => e)) as ProgramFailure;
  expect(failure).toBeInstanceOf(ProgramFailure);
  expect(failure.resources).toEqual([]);
  for (const kind of Object.keys(ON_CALL)) {
    expect(failure.message).toContain(`coditect-monitoring:pagerduty.${kind}.name: must end with " (staging)": staging and prod create their PagerDuty team, schedule, escalation policy and service in one account, each named after its environment (got ${JSON.stringify(prod[kind][0])})`);
  }
});
