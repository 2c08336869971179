// The report as one self-contained HTML page: inline CSS and SVG charts, no script, nothing fetched.
import type { Report } from "./compute";
import { sections, title, type Table } from "./content";
import { duration, escapeHtml as e, percent } from "./format";

function table(t: Table): string {
  if (!t.rows.length) return `<p class="none">${e(t.empty)}</p>`;
  return `<table><thead><tr>${t.head.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** The share of the scale left below the worst day, so that the worst day stands as a bar, not as nothing. */
const BELOW_WORST = 0.1;

/**
 * Daily availability as bars, with the objective drawn across, on a scale to 100 % from ten budgets
 * below the objective or, on a month with a worse day, from a tenth of the scale below that day: the
 * worst day is then the shortest bar, never one of no height that reads as no data.
 */
export function daysChart(r: Pick<Report, "objective" | "days">): string {
  const W = 720;
  const H = 200;
  const pad = { l: 64, r: 8, t: 10, b: 28 };
  const worst = Math.min(...r.days.map((d) => d.availability));
  const floor = Math.min(r.objective - 10 * (1 - r.objective), worst - ((1 - worst) * BELOW_WORST) / (1 - BELOW_WORST));
  const y = (v: number) => pad.t + ((1 - v) / (1 - floor)) * (H - pad.t - pad.b);
  const bw = (W - pad.l - pad.r) / Math.max(1, r.days.length);
  const bars = r.days
    .map((d, i) => {
      const x = pad.l + i * bw;
      const top = y(d.availability);
      const colour = d.availability >= r.objective ? "#2e7d32" : "#c62828";
      return `<rect x="${(x + 1).toFixed(1)}" y="${top.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(H - pad.b - top).toFixed(1)}" fill="${colour}"><title>${e(d.label)}: ${percent(d.availability)}</title></rect>` +
        (i % 5 === 0 ? `<text x="${(x + bw / 2).toFixed(1)}" y="${H - 10}" text-anchor="middle">${e(d.label.slice(8))}</text>` : "");
    })
    .join("");
  const obj = y(r.objective);
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Availability per day"><g font-size="11" font-family="sans-serif">` +
    `<text x="${pad.l - 4}" y="${pad.t + 4}" text-anchor="end">100 %</text><text x="${pad.l - 4}" y="${H - pad.b}" text-anchor="end">${percent(floor, 2)}</text>` +
    `${bars}<line x1="${pad.l}" x2="${W - pad.r}" y1="${obj.toFixed(1)}" y2="${obj.toFixed(1)}" stroke="#333" stroke-dasharray="4 3"/>` +
    `<text x="${W - pad.r}" y="${(obj - 3).toFixed(1)}" text-anchor="end">objective ${percent(r.objective, 1)}</text></g></svg>`;
}

/** Time firing per alert, as horizontal bars, pages in red. */
export function alertsChart(r: Report): string {
  if (!r.alerts.length) return "";
  const W = 720;
  const row = 22;
  const label = 220;
  const H = r.alerts.length * row + 10;
  const max = Math.max(...r.alerts.map((a) => a.firingSeconds), 1);
  const bars = r.alerts
    .map((a, i) => {
      const w = ((W - label - 90) * a.firingSeconds) / max;
      const yy = 5 + i * row;
      return `<text x="${label - 6}" y="${yy + 14}" text-anchor="end">${e(a.alertname)} (${e(a.severity)})</text>` +
        `<rect x="${label}" y="${yy + 3}" width="${w.toFixed(1)}" height="${row - 8}" fill="${a.page ? "#c62828" : "#1565c0"}"/>` +
        `<text x="${(label + w + 4).toFixed(1)}" y="${yy + 14}">${e(duration(a.firingSeconds))} · ${a.fired}×</text>`;
    })
    .join("");
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Time firing per alert"><g font-size="11" font-family="sans-serif">${bars}</g></svg>`;
}

const CSS = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
th{background:#f3f3f3}.none{color:#666;font-style:italic}svg{max-width:100%;height:auto}`;

export function renderHtml(r: Report): string {
  const body = sections(r)
    .map((s) => {
      const chart = s.chart === "days" ? daysChart(r) : s.chart === "alerts" ? alertsChart(r) : "";
      return `<section><h2>${e(s.title)}</h2>${s.paragraphs.map((p) => `<p>${e(p)}</p>`).join("")}${chart}${s.tables.map(table).join("")}</section>`;
    })
    .join("\n");
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${e(title(r))}</title><style>${CSS}</style></head>\n<body><h1>${e(title(r))}</h1>\n${body}\n</body></html>\n`;
}
