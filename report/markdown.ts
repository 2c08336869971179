// The report as Markdown, for a ticket or a pull request.
import type { Report } from "./compute";
import { sections, title, type Table } from "./content";

const cell = (s: string) => s.replace(/\|/g, "\\|");

function table(t: Table): string {
  if (!t.rows.length) return `_${t.empty}_`;
  return [`| ${t.head.map(cell).join(" | ")} |`, `| ${t.head.map(() => "---").join(" | ")} |`, ...t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

export function renderMarkdown(r: Report): string {
  const body = sections(r).map((s) => [`## ${s.title}`, ...s.paragraphs, ...s.tables.map(table)].join("\n\n"));
  return `# ${title(r)}\n\n${body.join("\n\n")}\n`;
}
