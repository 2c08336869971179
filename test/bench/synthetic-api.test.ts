// The scale benchmark's synthetic API: its exposition is what the real exporter would write under
// each label scheme (every license-api metric of the contract, with the scheme's labels), and what
// promtool's own exposition checker accepts; the series per license are what docs/capacity.md and
// the stack files' sample limits are sized with.
import { spawnSync } from "child_process";
import { exposition, licenses } from "../../bench/synthetic-api";
import { LABEL_SCHEMES, labelsOf, METRIC_CONTRACT, seriesNames, type LabelScheme } from "../../rules/metric-contract";

const samplesOf = (text: string) => text.split("\n").filter((l) => l && !l.startsWith("#"));
/** Series per license, and the rest, in the exposition of one replica. */
const PER_LICENSE: Record<LabelScheme, number> = { adr: 10, contract: 3 };

describe.each(LABEL_SCHEMES)("%s labels", (scheme) => {
  const text = exposition(licenses(30), scheme, 100);

  test("promtool check metrics accepts the exposition", () => {
    const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });

  test("every license-api metric of the contract, with exactly the scheme's labels", () => {
    for (const m of METRIC_CONTRACT.filter((x) => x.source === "license-api")) {
      const lines = samplesOf(text).filter((l) => seriesNames(m).some((n) => l.startsWith(`${n}{`) || l.startsWith(`${n} `)));
      expect({ name: m.name, exported: lines.length > 0 }).toEqual({ name: m.name, exported: true });
      for (const l of lines) {
        const labels = [...l.matchAll(/(\w+)="/g)].map((x) => x[1]).filter((x) => x !== "le");
        expect({ name: m.name, labels: labels.sort() }).toEqual({ name: m.name, labels: [...labelsOf(m, scheme)].sort() });
      }
    }
  });

  test(`${PER_LICENSE[scheme]} series per license`, () => {
    const more = samplesOf(exposition(licenses(40), scheme, 100)).length - samplesOf(text).length;
    expect(more / 10).toBe(PER_LICENSE[scheme]);
  });
});
