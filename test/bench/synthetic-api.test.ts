// The scale benchmark's synthetic API: its expositions are what the real API and seats exporter would
// write under each label scheme (every metric of the contract each exports, with the scheme's labels), and what
// promtool's own exposition checker accepts; the series per license are what docs/capacity.md and
// the stack files' sample limits are sized with.
import { spawnSync } from "child_process";
import { PROMTOOL } from "../../tools/binaries";
import { exposition, FULL_EVERY, licenses } from "../../bench/synthetic-api";
import { exportedUnder, LABEL_SCHEMES, labelsOf, METRIC_CONTRACT, seriesNames, sourceOf, type LabelScheme } from "../../rules/metric-contract";

const samplesOf = (text: string) => text.split("\n").filter((l) => l && !l.startsWith("#"));
/**
 * Series per license in the expositions of one API replica and the seats exporter, besides the denial
 * counter of a full license: under the contract, the seats exporter's two and none on the API.
 */
const PER_LICENSE: Record<LabelScheme, number> = { adr: 8, contract: 2 };
const SOURCES = ["license-api", "license-seats"] as const;

describe.each(LABEL_SCHEMES)("%s labels", (scheme) => {
  const both = (n: number) => SOURCES.map((source) => exposition(licenses(n), scheme, 100, source)).join("");
  const text = both(30);

  test.each(SOURCES)("promtool check metrics accepts the exposition of %s", (source) => {
    const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: exposition(licenses(30), scheme, 100, source), encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toBe("");
    expect(r.status).toBe(0);
  });

  test("every metric of the contract the API or its seats exporter exports under the scheme, from its source, with exactly the scheme's labels", () => {
    for (const m of METRIC_CONTRACT.filter((x) => (SOURCES as readonly string[]).includes(sourceOf(x, scheme)) && exportedUnder(x, scheme))) {
      const lines = samplesOf(exposition(licenses(30), scheme, 100, sourceOf(m, scheme) as (typeof SOURCES)[number])).filter((l) => seriesNames(m).some((n) => l.startsWith(`${n}{`) || l.startsWith(`${n} `)));
      expect({ name: m.name, exported: lines.length > 0 }).toEqual({ name: m.name, exported: true });
      for (const l of lines) {
        const labels = [...l.matchAll(/(\w+)="/g)].map((x) => x[1]).filter((x) => x !== "le");
        expect({ name: m.name, labels: labels.sort() }).toEqual({ name: m.name, labels: [...labelsOf(m, scheme)].sort() });
      }
    }
  });

  test(`${PER_LICENSE[scheme]} series per license, and a denial counter for each full license only`, () => {
    const count = (n: number) => samplesOf(both(n)).length;
    // The licenses from 1 to FULL_EVERY - 1 are not full; license FULL_EVERY is.
    expect((count(FULL_EVERY) - count(1)) / (FULL_EVERY - 1)).toBe(PER_LICENSE[scheme]);
    expect(count(FULL_EVERY + 1) - count(FULL_EVERY)).toBe(PER_LICENSE[scheme] + 1);
    const denied = samplesOf(text).filter((l) => l.startsWith("seat_denials_total{"));
    expect(denied.length).toBe(licenses(30).filter((l) => l.full).length);
  });

  test("a full license uses all its seats; no other does", () => {
    const sessions = (l: string) => Number(l.slice(l.lastIndexOf(" ") + 1));
    const all = licenses(30);
    const lines = samplesOf(text).filter((l) => l.startsWith("active_sessions{"));
    expect(lines.map(sessions)).toEqual(all.map((l) => (l.full ? l.seats : expect.any(Number))));
    lines.forEach((l, i) => { if (!all[i].full) expect(sessions(l)).toBeLessThan(all[i].seats); });
  });
});
