// The Watchdog fires while the alerting pipeline can page, and is withheld while Alertmanager's
// requests to PagerDuty fail with none succeeding: the heartbeat then stops, and its service pages.
import type { StackConfig } from "../../config";
import { seconds } from "../../lib/duration";
import { ALERTMANAGER_JOB } from "../../lib/identities";
import { PAGERDUTY_FAILURE_WINDOW } from "../watchdog";
import { cadence } from "./fixtures";
import { alertRule, at, check, firing, linear, series, type TestGroup } from "./promtool";

export function watchdogTests(c: StackConfig): TestGroup[] {
  const { step } = cadence(c);
  const watchdog = alertRule(c, "Watchdog");
  const alive = [firing(watchdog, {}, 1)];
  const window = seconds(PAGERDUTY_FAILURE_WINDOW);
  /** One Alertmanager replica's request counters to PagerDuty, a sample per scrape. */
  const requests = (which: "total" | "failed_total", values: string) =>
    series(`alertmanager_notification_requests_${which}`, { job: ALERTMANAGER_JOB, integration: "pagerduty", instance: "alertmanager-0" }, values);
  const failFrom = 300;
  const steps = (t: number) => t / step;
  const end = 900;
  return [
    {
      name: "Watchdog: fires while nothing has been sent to PagerDuty, and while what is sent arrives",
      interval: at(step),
      input_series: [requests("total", `${linear(0, 0, steps(failFrom))} ${linear(1, 1, steps(end - failFrom) - 1)}`), requests("failed_total", linear(0, 0, steps(end)))],
      alert_rule_test: [check(watchdog.alert, failFrom, alive), check(watchdog.alert, end, alive)],
    },
    {
      name: "Watchdog silent: every request to PagerDuty fails (a revoked key, no egress), none succeeding",
      interval: at(step),
      input_series: [requests("total", linear(0, 1, steps(end))), requests("failed_total", linear(0, 1, steps(end)))],
      alert_rule_test: [check(watchdog.alert, 2 * step), check(watchdog.alert, failFrom), check(watchdog.alert, end)],
    },
    {
      name: `Watchdog: back at the scrape after a request to PagerDuty succeeds again`,
      interval: at(step),
      input_series: [
        requests("total", linear(0, 1, steps(end))),
        // Failing until 10 minutes, then succeeding.
        requests("failed_total", `${linear(0, 1, steps(600))} ${linear(steps(600), 0, steps(end - 600) - 1)}`),
      ],
      alert_rule_test: [
        check(watchdog.alert, 600),
        // The first success is in the window from the next scrape on.
        check(watchdog.alert, 600 + 2 * step, alive),
      ],
    },
    {
      name: `Watchdog: a failure ${PAGERDUTY_FAILURE_WINDOW} old with nothing sent since no longer withholds it`,
      interval: at(step),
      input_series: [
        requests("total", `${linear(0, 0, steps(failFrom))} ${linear(1, 0, steps(end - failFrom) - 1)}`),
        requests("failed_total", `${linear(0, 0, steps(failFrom))} ${linear(1, 0, steps(end - failFrom) - 1)}`),
      ],
      alert_rule_test: [check(watchdog.alert, failFrom + step), check(watchdog.alert, failFrom + window + 2 * step, alive)],
    },
  ];
}
