// Unit tests of the wording of numbers, sizes and durations.
import { describe, expect, it } from 'vitest';
import { ago, clockTime, dateAndTime, duration, size } from './format';

describe('duration', () => {
  it('reads like a person would say it', () => {
    expect(duration(345600)).toBe('4 days');
    expect(duration(30)).toBe('30 seconds');
    expect(duration(90)).toBe('1 minute 30 seconds');
    expect(duration(43200)).toBe('12 hours');
    expect(duration(1209600)).toBe('14 days');
    expect(duration(0)).toBe('0 seconds');
  });
});

describe('size', () => {
  it('uses binary units', () => {
    expect(size(262144)).toBe('256 KiB');
    expect(size(1048576)).toBe('1 MiB');
    expect(size(1024)).toBe('1 KiB');
    expect(size(1536)).toBe('1.5 KiB');
    expect(size(900)).toBe('900 bytes');
  });
});

describe('ago', () => {
  it('is relative for recent moments', () => {
    const now = 1_700_000_000;
    expect(ago(now - 10, now)).toBe('just now');
    expect(ago(now - 300, now)).toBe('5 minutes ago');
    expect(ago(now - 3 * 86400, now)).toBe('3 days ago');
    expect(ago(now - 3600, now)).toBe('1 hour ago');
  });
});

describe('clockTime and dateAndTime', () => {
  it('write a moment as toLocaleTimeString and toLocaleString do, with formatters made once', () => {
    for (const t of [Date.UTC(2026, 11, 2, 14, 5, 9), Date.UTC(1999, 0, 31, 23, 59, 59)]) {
      expect(clockTime(t)).toBe(new Date(t).toLocaleTimeString());
      expect(dateAndTime(t)).toBe(new Date(t).toLocaleString());
    }
  });
});
