// The real program for the staging stack under mocks: config set before the program is imported.
import { runProgram, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";
import { describeComponentTree, describeStack, T } from "./describe-stack";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("staging");
});

describeStack("staging", () => run);
describeComponentTree("staging", () => run);

describe("staging is small and pages gently", () => {
  test("one Prometheus, one Alertmanager, shorter retention than prod", () => {
    const values = run.get(T.release, "prometheus-stack").inputs.values;
    expect(values.prometheus.prometheusSpec.replicas).toBe(1);
    expect(values.alertmanager.alertmanagerSpec.replicas).toBe(1);
    expect(values.prometheus.prometheusSpec.retention).toBe(testStackConfig("staging").prometheus.retention);
    expect(testStackConfig("staging").prometheus.retention).not.toBe(testStackConfig("prod").prometheus.retention);
  });
  test("low-urgency PagerDuty service", () => {
    expect(run.get(T.pdService, "license-api-service").inputs.incidentUrgencyRule).toEqual({ type: "constant", urgency: "low" });
  });
});
