import { describe, expect, it } from 'vitest';
import { parseWindow } from '../../../scripts/core/analytics/analytics-window.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY = 86_400_000;

describe('the analytics window', () => {
  it('is the last 30 days by default', () => {
    expect(parseWindow({}, NOW)).toEqual({ from: NOW - 30 * DAY, to: NOW });
  });

  it('takes lengths, dates and date-times for --since and --until', () => {
    expect(parseWindow({ since: '7d' }, NOW)).toEqual({ from: NOW - 7 * DAY, to: NOW });
    expect(parseWindow({ since: '2w', until: '1d' }, NOW)).toEqual({ from: NOW - 15 * DAY, to: NOW - DAY });
    expect(parseWindow({ since: '2026-11-01' }, NOW)).toEqual({ from: Date.parse('2026-11-01T00:00:00Z'), to: NOW });
    expect(parseWindow({ since: '2026-11-01T09:00:00+01:00', until: '2026-11-02T08:00:00Z' }, NOW)).toEqual({
      from: Date.parse('2026-11-01T08:00:00Z'),
      to: Date.parse('2026-11-02T08:00:00Z'),
    });
    expect(parseWindow({ since: 'PT12H' }, NOW)).toEqual({ from: NOW - DAY / 2, to: NOW });
  });

  it.each([
    [{ since: 'last month' }, /--since "last month" is neither a date/],
    [{ since: '2026-13-01' }, /--since "2026-13-01"/],
    [{ since: '2026-11-01T09:00' }, /--since/],
    [{ until: 'yesterday' }, /--until "yesterday"/],
    [{ since: '0d' }, /--since "0d"/],
    [{ since: '-5d' }, /--since "-5d"/],
  ])('refuses %o, naming the option and the accepted forms', (options, message) => {
    expect(() => parseWindow(options, NOW)).toThrow(message);
  });

  it('refuses an empty or backwards window', () => {
    expect(() => parseWindow({ since: '2026-11-10', until: '2026-11-10' }, NOW)).toThrow(/window is empty/);
    expect(() => parseWindow({ since: '2026-11-20', until: '2026-11-10' }, NOW)).toThrow(/--since .* must be before --until/);
  });
});
