// What the report command can fail with, each with its exit code (docs/report.md). A failed
// run writes nothing: every query is answered before any file is written.

export const EXIT = {
  ok: 0,
  /** Anything unforeseen: a query Prometheus rejected, a bug. */
  failed: 1,
  /** Bad flags: unknown stack, a month not YYYY-MM, an unknown time zone. */
  usage: 2,
  /** The query API cannot be reached, or refuses the credentials. */
  unreachable: 3,
  /** The month holds no sample of the SLI. */
  noData: 4,
  /** The month has not begun. */
  futureMonth: 5,
} as const;

export class ReportError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
