// Numbers, dates and durations in words people read.

const UNITS: [number, string][] = [
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** 345600 → "4 days", 90 → "1 minute 30 seconds", 0 → "0 seconds". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0 seconds';
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, name] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
      rest -= n * size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** 262144 → "256 KiB", 1048576 → "1 MiB", 900 → "900 bytes". */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = bytes;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  const text = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${text} ${units[i]}`;
}

/** A value made on first use, then kept: an ICU formatter loads its locale data (megabytes,
    milliseconds) when made, which the first screen should not pay for one it does not show. */
function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

const countFormat = once(() => new Intl.NumberFormat());

/** 1234567 → "1,234,567" in the user's locale. */
export function count(n: number): string {
  return countFormat().format(n);
}

// Each date formatter is made once. `Date.prototype.toLocale…String()` builds a new ICU
// formatter on every call, in memory WebKit's garbage collector does not count, so it is
// collected late: a table that wrote two per row grew WebKit by ~90 KiB per row scrolled past.
const dateFormat = once(() => new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' }));
const timeFormat = once(() => new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: 'numeric', second: 'numeric' }));
const dateTimeFormat = once(
  () =>
    new Intl.DateTimeFormat(undefined, {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }),
);

/** The time of day of a moment (epoch milliseconds), as `toLocaleTimeString()` writes it. */
export function clockTime(epochMs: number): string {
  return timeFormat().format(epochMs);
}

/** A moment's date and time (epoch milliseconds), as `toLocaleString()` writes it. */
export function dateAndTime(epochMs: number): string {
  return dateTimeFormat().format(epochMs);
}

/** A past moment relative to `now`: "just now", "5 minutes ago", "3 days ago", or a date. */
export function ago(epochSeconds: number, now: number = Date.now() / 1000): string {
  const d = Math.max(0, now - epochSeconds);
  if (d < 45) return 'just now';
  if (d < 3600) return plural(Math.round(d / 60), 'minute') + ' ago';
  if (d < 86400) return plural(Math.round(d / 3600), 'hour') + ' ago';
  if (d < 86400 * 30) return plural(Math.round(d / 86400), 'day') + ' ago';
  return dateFormat().format(epochSeconds * 1000);
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A full local timestamp for tooltips. */
export function localTime(epochSeconds: number): string {
  return dateAndTime(epochSeconds * 1000);
}
