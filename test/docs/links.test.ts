// Every relative link of the README and docs/ lands: on a file or folder of the project, and on a
// heading of the document it names when it names one.
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../lib/stack-file";
import { headingAnchors, projectDocs, readDoc, relativeLinks, type Doc } from "./markdown";

/** Links that do not land: a missing file, or an anchor that is no heading of the document. */
export function brokenLinks(doc: Doc, exists: (file: string) => boolean, read: (file: string) => string): string[] {
  return relativeLinks(doc).flatMap(({ link, target, anchor }) => {
    if (!exists(target)) return [`${doc.file}: ${link} (no ${target})`];
    if (anchor && target.endsWith(".md") && !headingAnchors(read(target)).has(anchor)) return [`${doc.file}: ${link} (no heading #${anchor} in ${target})`];
    return [];
  });
}

const exists = (file: string) => fs.existsSync(path.join(PROJECT_ROOT, file));

test("every relative link of the README and docs/ lands on a file and heading of the project", () => {
  const docs = projectDocs();
  expect(docs.flatMap(relativeLinks).length).toBeGreaterThan(50);
  expect(docs.flatMap((d) => brokenLinks(d, exists, readDoc))).toEqual([]);
});

test("the check sees a missing file and a missing heading", () => {
  const doc = { file: "docs/x.md", text: "[a](missing.md) [b](bootstrap.md#no-such-step) [c](../README.md) [d](https://example.com/x) [e](#here)\n# Here\n" };
  const read = (file: string) => (file === doc.file ? doc.text : readDoc(file));
  expect(brokenLinks(doc, (f) => f === doc.file || exists(f), read)).toEqual(["docs/x.md: missing.md (no docs/missing.md)", "docs/x.md: bootstrap.md#no-such-step (no heading #no-such-step in docs/bootstrap.md)"]);
});
