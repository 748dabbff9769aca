/**
 * Renders a Slack message's Block Kit blocks as the readable text a person would see in the Slack client:
 * the header, sections and their fields, dividers, context lines, and the buttons, each with what clicking
 * it asks the teammate (the `agent.process_message_N` convention: the `value` carries the message Kubiya's
 * Slack app sends to the agent as the person who clicked). Only for showing; the demo's checks read the
 * blocks themselves.
 */

type Text = { type?: string; text?: string };
/** A context element (`text` is the string) or a button (`text` is a plain_text object). */
type Element = { type?: string; text?: string | Text; action_id?: string; value?: string };
type Block = { type?: string; block_id?: string; text?: Text; fields?: Text[]; elements?: Element[] };

const EMOJI: Record<string, string> = {
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  white_check_mark: '✅',
  no_entry: '⛔',
  wastebasket: '🗑',
  alarm_clock: '⏰',
  x: '❌',
  lock: '🔒',
  checkered_flag: '🏁',
  gear: '⚙',
  warning: '⚠',
  rotating_light: '🚨',
};

/** The message as text, one Slack line per line. */
export function slackText(message: { text?: string; blocks?: unknown[] }): string {
  const blocks = (message.blocks ?? []) as Block[];
  if (blocks.length === 0) return mrkdwn(message.text ?? '');
  return blocks.flatMap(renderBlock).join('\n');
}

/** The buttons of a message, with what each asks the teammate: `[]` once the message has none. */
export function slackButtons(message: { blocks?: unknown[] }): { label: string; actionId: string; agentUuid?: string; asks?: string }[] {
  return ((message.blocks ?? []) as Block[])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.type === 'button')
    .map((e) => ({ label: textOf(e.text) || '?', actionId: e.action_id ?? '', ...parseValue(e.value) }));
}

/** Only the lines that say where the request stands: the status section and the Status / Access until fields. */
export function slackStatus(message: { blocks?: unknown[] }): string {
  const blocks = (message.blocks ?? []) as Block[];
  const status = blocks.filter((b) => b.block_id === 'jit_status').flatMap(renderBlock);
  const fields = blocks
    .flatMap((b) => b.fields ?? [])
    .map((f) => mrkdwn(f.text ?? '').replace('\n', ': '))
    .filter((line) => /^(Status|Access until):/.test(line));
  return [...status, ...fields].join('\n');
}

function renderBlock(block: Block): string[] {
  switch (block.type) {
    case 'header':
      return [`■ ${block.text?.text ?? ''}`];
    case 'section': {
      const lines = block.text?.text ? mrkdwn(block.text.text).split('\n') : [];
      // Fields sit two to a row in Slack; a "Title: value" line each reads better in a terminal.
      const fields = (block.fields ?? []).map((f) => mrkdwn(f.text ?? '').replace('\n', ': ').replace(/\n/g, ' '));
      return [...lines, ...fields];
    }
    case 'divider':
      return ['─'.repeat(40)];
    case 'context':
      return [(block.elements ?? []).map((e) => mrkdwn(textOf(e.text))).join('  ')];
    case 'actions':
      return renderButtons(block);
    default:
      return [`(${block.type ?? 'unknown'} block)`];
  }
}

function renderButtons(block: Block): string[] {
  const buttons = slackButtons({ blocks: [block] });
  const row = buttons.map((b) => `[ ${b.label} ]`).join('  ');
  const asks = buttons.map((b) => `  ${b.label} (${b.actionId}) → Kubiya's Slack app sends agent ${short(b.agentUuid)}, as the clicker: "${b.asks ?? '?'}"`);
  return [row, ...asks];
}

function textOf(text: string | Text | undefined): string {
  return typeof text === 'string' ? text : (text?.text ?? '');
}

function parseValue(value: string | undefined): { agentUuid?: string; asks?: string } {
  try {
    const parsed = JSON.parse(value ?? '') as { agent_uuid?: unknown; message?: unknown };
    return {
      ...(typeof parsed.agent_uuid === 'string' ? { agentUuid: parsed.agent_uuid } : {}),
      ...(typeof parsed.message === 'string' ? { asks: parsed.message } : {}),
    };
  } catch {
    return {};
  }
}

function short(uuid: string | undefined): string {
  return uuid ? `${uuid.slice(0, 8)}…` : '?';
}

/** Slack mrkdwn as plain text: code fences and emphasis markers dropped, emoji codes drawn, entities decoded. */
function mrkdwn(text: string): string {
  return text
    .replace(/```\n?([\s\S]*?)\n?```/g, (_m, code: string) => code.split('\n').map((l) => `    ${l}`).join('\n'))
    .replace(/:([a-z_]+):/g, (m, name: string) => EMOJI[name] ?? m)
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1$2')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
