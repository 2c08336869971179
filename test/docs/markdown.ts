// The project's documents as the tests read them: the README and every page of docs/.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";

export interface Doc {
  /** Relative to the project root. */
  file: string;
  text: string;
}

export function projectDocs(): Doc[] {
  const files = ["README.md", ...fs.readdirSync(path.join(PROJECT_ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  return files.map((file) => ({ file, text: fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8") }));
}

export const readDoc = (file: string) => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");

/** The anchors GitHub gives a Markdown file's headings. */
export function headingAnchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6}\s+(.+?)\s*$/gm)].map(([, text]) =>
      text
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    ),
  );
}

/** Text outside fenced code blocks, where Markdown links are links. */
export const prose = (markdown: string) => markdown.replace(/```[\s\S]*?```/g, "");

/** Every relative link of a document, resolved against its folder: the file and the anchor, if any. */
export function relativeLinks(doc: Doc): { link: string; target: string; anchor?: string }[] {
  return [...prose(doc.text).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((link) => !/^[a-z]+:/i.test(link))
    .map((link) => {
      const [file, anchor] = link.split("#");
      const target = file === "" ? doc.file : path.posix.normalize(path.posix.join(path.posix.dirname(doc.file), file));
      return { link, target, anchor };
    });
}
