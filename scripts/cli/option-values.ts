import { parseDuration } from '../core/duration.js';
import { isJitError, ValidationError } from '../core/errors.js';
import { quoted } from '../core/quote.js';
import type { OptionSpec, OptionValue } from './command-spec.js';

/**
 * Reads one option's value by its type, or throws a {@link ValidationError} naming the option, the value and
 * the form it must take. `command` names the command in messages.
 */
export function readOptionValue(option: OptionSpec, value: string | undefined, command: string): OptionValue {
  const flag = `--${option.name}`;
  if (option.type === 'flag' || value === undefined) return true;
  switch (option.type) {
    case 'text':
      return value;
    case 'duration':
      try {
        // The one duration parser of the package: what works as a TTL works here (1d, 90m, PT1H); 0 does not.
        return parseDuration(value, flag);
      } catch (err) {
        if (!isJitError(err)) throw err;
        throw new ValidationError('cli.invalid_value', `${command}: ${err.message}`, { option: option.name });
      }
    case 'file':
      if (value.trim() === '' || value.startsWith('-')) {
        // `--out --check` is a forgotten value, not a file to create called "--check".
        throw new ValidationError(
          'cli.invalid_value',
          `${command}: ${flag} needs a file path, not ${quoted(value, 40)}. Write ${flag} FILE (for a file whose name starts with "-", write ${quoted(`./${value}`, 42)}).`,
          { option: option.name },
        );
      }
      return value;
    case 'port': {
      const port = Number(value);
      if (!/^\d{1,5}$/.test(value) || port > 65535) {
        throw new ValidationError('cli.invalid_value', `${command}: ${flag} must be a port number from 0 to 65535 (0 picks a free one), not ${quoted(value, 40)}.`, { option: option.name });
      }
      return port;
    }
    case 'choice':
      if (!option.choices?.includes(value)) {
        throw new ValidationError('cli.invalid_value', `${command}: ${flag} must be ${(option.choices ?? []).join(' or ')}, not ${quoted(value, 40)}.`, {
          option: option.name,
        });
      }
      return value;
  }
}
