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

const countFormat = new Intl.NumberFormat();

/** 1234567 → "1,234,567" in the user's locale. */
export function count(n: number): string {
  return countFormat.format(n);
}

/** A past moment relative to `now`: "just now", "5 minutes ago", "3 days ago", or a date. */
export function ago(epochSeconds: number, now: number = Date.now() / 1000): string {
  const d = Math.max(0, now - epochSeconds);
  if (d < 45) return 'just now';
  if (d < 3600) return plural(Math.round(d / 60), 'minute') + ' ago';
  if (d < 86400) return plural(Math.round(d / 3600), 'hour') + ' ago';
  if (d < 86400 * 30) return plural(Math.round(d / 86400), 'day') + ' ago';
  return new Date(epochSeconds * 1000).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A full local timestamp for tooltips. */
export function localTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toLocaleString();
}
