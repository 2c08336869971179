import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { LocalStack } from "../../local/stack";

// A local stack whose ports are held (by a leftover of an earlier run, say) must refuse to start:
// otherwise the leftover answers in its place and the run measures another stack.
test("a local stack refuses to start on a port another process holds, and names it", async () => {
  const basePort = 30300;
  const held = net.createServer();
  await new Promise<void>((resolve) => held.listen(basePort + 30, "127.0.0.1", resolve));
  try {
    const local = new LocalStack({ stack: "staging", basePort, workDir: path.join(os.tmpdir(), `coditect-ports-${process.pid}`) });
    await expect(local.start()).rejects.toThrow(`port 127.0.0.1:${basePort + 30} is taken (EADDRINUSE)`);
    await local.stop();
  } finally {
    await new Promise((resolve) => held.close(resolve));
  }
});

// Linux hands out the source ports of outgoing connections from its ephemeral range (32768-60999 by
// default): a test server listening in it fails to bind whenever one of the many connections of the
// local stacks running beside it holds that port. Every port a test fixes lies below the range, with
// room for a stack's fifty.
test("every port the tests listen on lies below the ephemeral range", () => {
  const files: string[] = (fs.readdirSync(path.join(__dirname, ".."), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
  const fixed = files.flatMap((f) => {
    const text = fs.readFileSync(path.join(__dirname, "..", f), "utf8");
    return [...text.matchAll(/(?:basePort|BASE_PORT|_PORT|Port)\s*[:=]\s*(\d{4,5})|TestAlertmanager\((\d{4,5})\)|127\.0\.0\.1:(\d{4,5})/g)].map((m) => ({ file: f, port: Number(m[1] ?? m[2] ?? m[3]) }));
  });
  expect(fixed.length).toBeGreaterThan(10);
  expect(fixed.filter((p) => p.port + 50 >= 32768)).toEqual([]);
});
