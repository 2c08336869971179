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
