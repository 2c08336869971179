// The month a report covers and its days, in UTC or a given IANA time zone (days of 23 or 25 hours
// where daylight saving time changes). A month still running ends now; one not yet begun is an error.
import { DateTime, IANAZone } from "luxon";
import { EXIT, ReportError } from "./errors";

export interface Period {
  /** The day, as the report names it (YYYY-MM-DD in the report's time zone). */
  label: string;
  /** Unix seconds, start inclusive, end exclusive. */
  start: number;
  end: number;
}

export interface Month extends Period {
  zone: string;
  days: Period[];
  /** The month is still running: it ends at `now`. */
  partial: boolean;
}

/** `previous` is the month before the one running in the zone (for a run on the 1st of each month); YYYY-MM stays as given. */
export function resolveMonth(month: string, zone: string, now: Date = new Date()): string {
  if (month !== "previous") return month;
  if (!IANAZone.isValidZone(zone)) throw new ReportError(`--timezone must be an IANA time zone (e.g. UTC, Europe/Berlin), got "${zone}"`, EXIT.usage);
  return DateTime.fromJSDate(now, { zone }).startOf("month").minus({ months: 1 }).toFormat("yyyy-MM");
}

export function monthPeriod(month: string, zone: string, now: Date = new Date()): Month {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new ReportError(`--month must be YYYY-MM or previous, got "${month}"`, EXIT.usage);
  if (!IANAZone.isValidZone(zone)) throw new ReportError(`--timezone must be an IANA time zone (e.g. UTC, Europe/Berlin), got "${zone}"`, EXIT.usage);
  const first = DateTime.fromFormat(month, "yyyy-MM", { zone });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const start = first.toSeconds();
  if (start >= nowSeconds) throw new ReportError(`${month} (${zone}) has not begun yet: nothing to report`, EXIT.futureMonth);
  const monthEnd = first.plus({ months: 1 }).toSeconds();
  const end = Math.min(monthEnd, nowSeconds);
  const days: Period[] = [];
  for (let d = first; d.toSeconds() < end; d = d.plus({ days: 1 })) {
    days.push({ label: d.toFormat("yyyy-MM-dd"), start: d.toSeconds(), end: Math.min(d.plus({ days: 1 }).toSeconds(), end) });
  }
  return { label: month, zone, start, end, days, partial: end < monthEnd };
}
