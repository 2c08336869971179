// Grafana in the staging stack under mocks: provider, folder, data sources and dashboards.
import { runProgram, type ProgramRun } from "../harness";
import { describeGrafana } from "./describe-grafana";
import { describeGrafanaCloud } from "./describe-grafana-cloud";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("staging");
});

describeGrafana("staging", () => run);
describeGrafanaCloud("staging", () => run);
