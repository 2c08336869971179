// The Cloud Monitoring reader's key rotates with the calendar: its keeper, the rotation period's
// number, changes exactly when a period of grafana.cloudMonitoringKeyRotationDays ends, so the first
// `pulumi up` after it replaces the key (a changed `keepers` replaces a service-account key:
// @pulumi/gcp serviceaccount/key.d.ts; terraform-provider-google's google_service_account_key marks
// `keepers` ForceNew).
import { keyRotationPeriod } from "../../render/key-rotation";
import { testStackConfig } from "../stack-config";

const c = testStackConfig("prod");
const days = c.grafana.cloudMonitoringKeyRotationDays;

test("one keeper through a period, a new one the moment the next begins", () => {
  const period = keyRotationPeriod(c, new Date("2026-12-05T08:00:00Z"));
  const start = new Date(period.from);
  const end = new Date(period.until);
  expect(end.getTime() - start.getTime()).toBe(days * 86_400_000);
  expect(keyRotationPeriod(c, start).index).toBe(period.index);
  expect(keyRotationPeriod(c, new Date(end.getTime() - 1)).index).toBe(period.index);
  expect(keyRotationPeriod(c, end).index).toBe(period.index + 1);
});

test("no key outlives its period by more than the time to the next deploy: a period's key is replaced by the first run after it", () => {
  const first = keyRotationPeriod(c, new Date("2026-01-01T00:00:00Z"));
  const later = keyRotationPeriod(c, new Date(new Date("2026-01-01T00:00:00Z").getTime() + days * 86_400_000));
  expect(later.index).toBe(first.index + 1);
});
