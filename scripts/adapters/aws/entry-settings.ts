import type { GrantContext } from '../../core/ports.js';
import type { Json } from '../../core/types.js';

/** A non-empty string setting of the catalog entry, or undefined. */
export function stringSetting(ctx: Pick<GrantContext, 'settings'>, key: string): string | undefined {
  const value = ctx.settings[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The string items of a list setting (`buckets`); anything else is an empty list. */
export function stringList(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
