// Grafana in the prod stack under mocks: provider, folder, data sources and dashboards.
import { runProgram, type ProgramRun } from "../harness";
import { describeGrafana } from "./describe-grafana";

let run: ProgramRun;
beforeAll(async () => {
  run = await runProgram("prod");
});

describeGrafana("prod", () => run);

test("with a Private Data source Connect network, Prometheus and Jaeger are reached through it", async () => {
  const { parse } = require("yaml");
  const doc = parse(require("fs").readFileSync(`${__dirname}/../../Pulumi.prod.yaml`, "utf8")).config;
  const grafanaConfig = { ...doc["coditect-monitoring:grafana"], privateDataSourceConnectNetworkId: "pdc-network-1" };
  const withPdc = await runProgram("prod", { config: { grafana: grafanaConfig } });
  const sources = withPdc.ofType("grafana:oss/dataSource:DataSource");
  const viaPdc = sources.filter((s) => s.inputs.privateDataSourceConnectNetworkId === "pdc-network-1").map((s) => s.inputs.type);
  expect(viaPdc.sort()).toEqual(["jaeger", "prometheus"]);
  expect(run.ofType("grafana:oss/dataSource:DataSource").every((s) => s.inputs.privateDataSourceConnectNetworkId === undefined)).toBe(true);
});
