// The lifecycle every end-to-end suite gives its local stack: started and ready before the suite's
// first test, a crash of any of its processes failing the suite, stopped after the last test.
import type { LocalStack } from "../../local/stack";

export function stackForSuite(local: LocalStack): void {
  beforeAll(async () => {
    local.on("crash", (c) => {
      throw new Error(`${c.name} crashed: see ${c.log}`);
    });
    await local.start();
    await local.ready(120_000);
  }, 150_000);

  afterAll(() => local.stop(), 30_000);
}
