import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../scripts/core/duration.js';
import { ValidationError } from '../../../scripts/core/errors.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1800], ['1h', 3600], ['2d', 172800], ['45s', 45], ['1w', 604800], ['1h30m', 5400], ['PT1H', 3600], ['PT15M', 900], ['P1D', 86400], ['P1DT2H', 93600], [' 2H ', 7200],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '0m', '1', 'h', '-1h', '1.5h', 'PT', 'P', '1y', 'one hour', '1h; rm -rf /', '99999999999999999999d'])('rejects %j naming the field', (text) => {
    expect(() => parseDuration(text, 'ttl')).toThrow(ValidationError);
    expect(() => parseDuration(text, 'ttl')).toThrow(/^ttl /);
  });
});

describe('formatDuration', () => {
  it.each([[45, '45s'], [1800, '30m'], [3600, '1h'], [5400, '1h 30m'], [172800, '2d']])('%d seconds reads %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
