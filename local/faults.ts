// The faults the local stack can inject, shared by the simulator, the orchestrator and the CLI.

/** How long the `seats-rise` fault takes to fill the rising licenses' free seats. */
export const SEATS_RISE_FILL_MINUTES = 10;

export const FAULTS = {
  exit: "the process dies (connection refused)",
  hang: "the process accepts connections and never answers",
  vanish: "the targets disappear from discovery and the service has no endpoints",
  errors: "half of all license validations fail",
  trickle: "2 % of license validations fail (a slow burn: what the budget, not a page, is for)",
  episode: "10 % of license validations fail (HighErrorRate first, the hour's burn later: one incident)",
  latency: "validations take 1.5 to 3 s",
  seats: "one license runs out of seats and denials pile up",
  "seats-rise": `the enterprise licenses' sessions climb steadily, filling their free seats in ${SEATS_RISE_FILL_MINUTES} minutes`,
  redis: "Redis operations fail",
  db: "database queries take 0.6 to 1.2 s",
  guess: "a client presents thousands of random license keys per minute (each a new series under ADR-019's labels)",
  blip: "exactly one scrape of /metrics and one health probe fail (must not page)",
  edge: "the public URL fails (load balancer, DNS, TLS or ingress) while the pods answer",
  "prometheus-stop": "every Prometheus replica stops: the cluster cannot page, the uptime check must",
  "cluster-stop": "every Prometheus replica and every Alertmanager stops: the cluster cannot page, nor resolve what it paged",
  "alertmanager-stop": "every Alertmanager stops (Prometheus keeps evaluating, nobody notifies)",
  "monitoring-start": "every stopped Prometheus and Alertmanager starts again, the API left as it is",
  "pagerduty-cut": "Alertmanager's events to PagerDuty fail (egress, DNS, a revoked key) while its containers run",
  "replica-stop": "the last Prometheus replica stops (a restart or a lost replica, until recover)",
  "replica-wipe": "the last Prometheus replica restarts on an empty volume",
  "blackbox-stop": "the blackbox exporter stops (no probes until recover)",
  rollout: "the API's pod is replaced by a new one (another /metrics instance), the Service answering throughout",
  recover: "clear every fault (restarting the process after exit, every stopped Prometheus and Alertmanager and the blackbox exporter, the route to PagerDuty)",
} as const;

export type Fault = keyof typeof FAULTS;
export const isFault = (s: string): s is Fault => s in FAULTS;

/** Faults that change the simulated traffic; the rest change whether the process answers at all. */
export const TRAFFIC_FAULTS = ["errors", "trickle", "episode", "latency", "seats", "seats-rise", "redis", "db", "guess"] as const;
export type TrafficFault = (typeof TRAFFIC_FAULTS)[number];
