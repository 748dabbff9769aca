/**
 * The few Block Kit shapes the package sends, typed here rather than taken from the SDK so the renderers stay
 * pure and testable, plus small builders that apply Slack's limits.
 */
import { LIMITS, plain, truncate } from './mrkdwn.js';

/** A Block Kit text object. */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

/** A Block Kit button element. */
export interface ButtonElement {
  type: 'button';
  text: TextObject;
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
}

/** The blocks the package renders. */
export type Block =
  | { type: 'header'; block_id?: string; text: TextObject }
  | { type: 'section'; block_id?: string; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; block_id?: string; elements: TextObject[] }
  | { type: 'actions'; block_id?: string; elements: ButtonElement[] }
  | { type: 'divider'; block_id?: string };

/** A message ready to send: the blocks, and the plain fallback Slack shows in notifications. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** A header block; the text is plain and cut to 150 characters. */
export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: plain(text, LIMITS.headerText), emoji: true } };
}

/** A section with already-escaped mrkdwn text, cut to 3000 characters as a last guard. */
export function section(text: string, blockId?: string): Block {
  return { type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

/** A section of two-column fields from already-escaped mrkdwn strings: at most 10, each at most 2000 characters. */
export function fields(values: string[]): Block {
  return {
    type: 'section',
    fields: values.slice(0, 10).map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, LIMITS.fieldText) })),
  };
}

/** A context block from already-escaped mrkdwn strings (at most 10 elements). */
export function context(values: string[]): Block {
  return {
    type: 'context',
    elements: values.slice(0, 10).map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, LIMITS.contextText) })),
  };
}

/** A divider block. */
export function divider(): Block {
  return { type: 'divider' };
}
