/**
 * Block Kit validation for the Slack stand-in, written from Slack's published block reference: the limits a
 * real workspace enforces (KUBIYA.md §6) and the error strings it answers with, so a message that the real
 * Slack would refuse with `invalid_blocks` is refused here too. Each error is a string in Slack's own form,
 * `must be less than 151 characters [json-pointer:/blocks/0/text/text]`.
 */

type Obj = Record<string, unknown>;

/** Slack's limits for the blocks and elements the stand-in understands. */
export const BLOCK_LIMITS = {
  blocksPerMessage: 50,
  blockIdLength: 255,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionIdLength: 255,
  textObject: 3000,
} as const;

const BLOCK_TYPES = new Set(['header', 'section', 'divider', 'context', 'actions', 'image', 'rich_text']);

/** Checks a message's `blocks` and returns Slack-style error strings; an empty list means Slack accepts them. */
export function validateBlocks(blocks: unknown): string[] {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return [`must provide an array [json-pointer:/blocks]`];
  if (blocks.length > BLOCK_LIMITS.blocksPerMessage) {
    errors.push(`no more than ${BLOCK_LIMITS.blocksPerMessage} items allowed [json-pointer:/blocks]`);
  }
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block, index) => {
    const at = `/blocks/${index}`;
    if (!isObj(block)) {
      errors.push(`must provide an object [json-pointer:${at}]`);
      return;
    }
    if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
      errors.push(`must be a valid enum value [json-pointer:${at}/type]`);
      return;
    }
    if (block.block_id !== undefined) {
      checkString(block.block_id, BLOCK_LIMITS.blockIdLength, `${at}/block_id`, errors);
      if (typeof block.block_id === 'string') {
        if (blockIds.has(block.block_id)) errors.push(`duplicate block_id [json-pointer:${at}/block_id]`);
        blockIds.add(block.block_id);
      }
    }
    validateBlock(block, at, errors, actionIds);
  });
  return errors;
}

function validateBlock(block: Obj, at: string, errors: string[], actionIds: Set<string>): void {
  switch (block.type) {
    case 'header':
      checkTextObject(block.text, `${at}/text`, BLOCK_LIMITS.headerText, errors, 'plain_text');
      return;
    case 'section':
      if (block.text === undefined && block.fields === undefined) {
        errors.push(`must provide either text or fields [json-pointer:${at}]`);
      }
      if (block.text !== undefined) checkTextObject(block.text, `${at}/text`, BLOCK_LIMITS.sectionText, errors);
      if (block.fields !== undefined) {
        checkList(block.fields, `${at}/fields`, BLOCK_LIMITS.sectionFields, errors, (field, path) =>
          checkTextObject(field, path, BLOCK_LIMITS.fieldText, errors),
        );
      }
      if (block.accessory !== undefined) checkElement(block.accessory, `${at}/accessory`, errors, actionIds);
      return;
    case 'context':
      checkList(block.elements, `${at}/elements`, BLOCK_LIMITS.contextElements, errors, (element, path) => {
        if (isObj(element) && element.type === 'image') return;
        checkTextObject(element, path, BLOCK_LIMITS.textObject, errors);
      });
      return;
    case 'actions':
      checkList(block.elements, `${at}/elements`, BLOCK_LIMITS.actionsElements, errors, (element, path) =>
        checkElement(element, path, errors, actionIds),
      );
      return;
    default:
      // divider, image and rich_text carry nothing the package's limits concern.
      return;
  }
}

function checkElement(element: unknown, at: string, errors: string[], actionIds: Set<string>): void {
  if (!isObj(element)) {
    errors.push(`must provide an object [json-pointer:${at}]`);
    return;
  }
  if (element.type !== 'button') return;
  checkTextObject(element.text, `${at}/text`, BLOCK_LIMITS.buttonText, errors, 'plain_text');
  if (element.value !== undefined) checkString(element.value, BLOCK_LIMITS.buttonValue, `${at}/value`, errors);
  if (element.url !== undefined) checkString(element.url, BLOCK_LIMITS.buttonUrl, `${at}/url`, errors);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    errors.push(`must be a valid enum value [json-pointer:${at}/style]`);
  }
  if (element.action_id !== undefined) {
    checkString(element.action_id, BLOCK_LIMITS.actionIdLength, `${at}/action_id`, errors);
    if (typeof element.action_id === 'string') {
      if (actionIds.has(element.action_id)) errors.push(`duplicate action_id [json-pointer:${at}/action_id]`);
      actionIds.add(element.action_id);
    }
  }
}

function checkTextObject(value: unknown, at: string, max: number, errors: string[], only?: 'plain_text'): void {
  if (!isObj(value)) {
    errors.push(`must provide an object [json-pointer:${at}]`);
    return;
  }
  const allowed = only ? [only] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    errors.push(`must be a valid enum value [json-pointer:${at}/type]`);
  }
  if (typeof value.text !== 'string') {
    errors.push(`missing required field: text [json-pointer:${at}]`);
    return;
  }
  if (value.text.length === 0) errors.push(`must be more than 0 characters [json-pointer:${at}/text]`);
  checkString(value.text, max, `${at}/text`, errors);
}

function checkList(value: unknown, at: string, max: number, errors: string[], each: (item: unknown, path: string) => void): void {
  if (!Array.isArray(value) || value.length === 0) {
    errors.push(`must provide a non-empty array [json-pointer:${at}]`);
    return;
  }
  if (value.length > max) errors.push(`no more than ${max} items allowed [json-pointer:${at}]`);
  value.forEach((item, index) => each(item, `${at}/${index}`));
}

function checkString(value: unknown, max: number, at: string, errors: string[]): void {
  if (typeof value !== 'string') {
    errors.push(`must be a string [json-pointer:${at}]`);
    return;
  }
  // Counted in UTF-16 units: never more lenient than Slack, whichever way a given surface counts emoji.
  if (value.length > max) errors.push(`must be less than ${max + 1} characters [json-pointer:${at}]`);
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
