// A scheduled document operates only if it ran in every window of its cadence in the period, not once. The
// windows are the calendar periods the catalog's cron expressions fire at the start of (catalog CADENCE), in the
// schedule's own time zone: a day, an ISO week from Monday, a month, a quarter from January / April / July /
// October, a half year, a year from 15 January. A window is due when it starts after the period's first day and
// before its last (so its run has had the rest of that day to finish); each due window needs one Success.
import { Cadence } from "../../../policy-pack/catalog/operations";

interface Day {
    y: number;
    m: number;
    d: number;
}

const DAY_MS = 86_400_000;

/** The calendar date of an instant in a time zone. */
export function localDay(t: Date, timeZone: string): Day {
    const parts = new Intl.DateTimeFormat("en-CA", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
    }).formatToParts(t);
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return { y: get("year"), m: get("month"), d: get("day") };
}

const utc = (x: Day) => Date.UTC(x.y, x.m - 1, x.d);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(2, "0");

/** The window a calendar day falls in, named so a reader knows which run is missing. */
export function windowOf(day: Day, cadence: Cadence): string {
    switch (cadence) {
        case "daily":
            return iso(utc(day));
        case "weekly": {
            const ms = utc(day);
            // getUTCDay: 0 Sunday … 6 Saturday; the week starts on Monday.
            return `week of ${iso(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS)}`;
        }
        case "monthly":
            return `${day.y}-${pad(day.m)}`;
        case "quarterly":
            return `${day.y}-Q${Math.ceil(day.m / 3)}`;
        case "semi_annual":
            return `${day.y}-H${day.m <= 6 ? 1 : 2}`;
        case "annual": {
            // Fires on 15 January: the window runs from one 15 January to the next.
            const y = day.m === 1 && day.d < 15 ? day.y - 1 : day.y;
            return `${y}-01-15 to ${y + 1}-01-14`;
        }
    }
}

/** The windows due in the period [from, to], oldest first, with the UTC midnight of each one's first day. */
function due(from: Date, to: Date, cadence: Cadence, timeZone: string): { name: string; start: number }[] {
    const first = utc(localDay(from, timeZone));
    const last = utc(localDay(to, timeZone));
    const out: { name: string; start: number }[] = [];
    let previous = windowOf(localDay(new Date(first), "UTC"), cadence);
    for (let ms = first + DAY_MS; ms < last; ms += DAY_MS) {
        const w = windowOf(localDay(new Date(ms), "UTC"), cadence);
        if (w !== previous) {
            out.push({ name: w, start: ms });
        }
        previous = w;
    }
    return out;
}

/** The windows due in the period [from, to], oldest first. */
export function dueWindows(from: Date, to: Date, cadence: Cadence, timeZone: string): string[] {
    return due(from, to, cadence, timeZone).map((w) => w.name);
}

/**
 * Due windows with no successful run (runs: the start times of Success executions). A missing window that
 * starts before `horizon` (the oldest execution the API still returns) is `unevidenced`, not missing: the
 * history that would show its run is gone.
 */
export function missingWindows(
    runs: Date[],
    from: Date,
    to: Date,
    cadence: Cadence,
    timeZone: string,
    horizon: Date = from,
): { due: string[]; missing: string[]; unevidenced: string[] } {
    const ran = new Set(runs.map((t) => windowOf(localDay(t, timeZone), cadence)));
    const windows = due(from, to, cadence, timeZone);
    const gone = utc(localDay(horizon, timeZone));
    const absent = windows.filter((w) => !ran.has(w.name));
    return {
        due: windows.map((w) => w.name),
        missing: absent.filter((w) => w.start > gone).map((w) => w.name),
        unevidenced: absent.filter((w) => w.start <= gone).map((w) => w.name),
    };
}
