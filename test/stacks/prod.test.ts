// The real program for the prod stack under mocks: config set before the program is imported.
import { runProgram, type ProgramRun } from "../harness";
import { testStackConfig } from "../stack-config";
import { describeComponentTree, describeStack, T } from "./describe-stack";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("prod");
});

describeStack("prod", () => run);
describeComponentTree("prod", () => run);

describe("prod is highly available and pages urgently", () => {
  const c = testStackConfig("prod");
  test("two Prometheus replicas, three Alertmanagers, spread over nodes", () => {
    const spec = run.get(T.release, "prometheus-stack").inputs.values;
    expect(spec.prometheus.prometheusSpec.replicas).toBe(2);
    expect(spec.prometheus.prometheusSpec.podAntiAffinity).toBe("hard");
    expect(spec.alertmanager.alertmanagerSpec.replicas).toBe(3);
  });
  test("high-urgency PagerDuty service", () => {
    expect(run.get(T.pdService, "license-api-service").inputs.incidentUrgencyRule).toEqual({ type: "constant", urgency: "high" });
    expect(c.pagerduty.service.urgency).toBe("high");
  });
});
