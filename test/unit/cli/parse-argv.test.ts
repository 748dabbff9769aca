import { describe, expect, it } from 'vitest';
import { parseArgv } from '../../../scripts/cli/parse-argv.js';

describe('parseArgv', () => {
  it('reads --name value, --name=value, flags and words', () => {
    const parsed = parseArgv(['audit', 'verify', '--out', 'a.jsonl', '--ttl=1h', '--check', '--args-document']);
    expect(parsed.command).toBe('audit');
    expect(parsed.positional).toEqual(['verify']);
    expect(parsed.options).toEqual({ out: 'a.jsonl', ttl: '1h' });
    expect([...parsed.flags]).toEqual(['check', 'args-document']);
  });

  it('keeps a value that looks like an option or holds shell syntax as plain text', () => {
    expect(parseArgv(['x', '--justification', '--ttl=999h; rm -rf /']).options).toEqual({ justification: '--ttl=999h; rm -rf /' });
  });

  it('refuses a repeated option and a missing value', () => {
    expect(() => parseArgv(['x', '--ttl', '1h', '--ttl', '8h'])).toThrow(/"--ttl" is given twice/);
    expect(() => parseArgv(['x', '--ttl'])).toThrow(/"--ttl" needs a value/);
  });
});
