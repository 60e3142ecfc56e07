// Block Kit checks Slack makes before it accepts a message (its documented limits), worded as
// Slack's `invalid_blocks` errors with a JSON pointer to the offending field.

/** Slack's documented Block Kit limits. */
export const BLOCK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  contextElements: 10,
  url: 3000,
} as const;

/** The longest message text Slack takes (msg_too_long above it). */
export const MAX_TEXT = 40_000;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function textOf(v: unknown): string | undefined {
  return isObj(v) && typeof v.text === 'string' ? v.text : undefined;
}

function tooLong(problems: string[], value: string | undefined, max: number, pointer: string): void {
  if (value !== undefined && value.length > max) problems.push(`must be less than ${max + 1} characters [json-pointer:${pointer}]`);
}

function checkButton(el: Obj, pointer: string, problems: string[]): void {
  if (!isObj(el.text) || el.text.type !== 'plain_text') problems.push(`must be a plain_text object [json-pointer:${pointer}/text]`);
  tooLong(problems, textOf(el.text), BLOCK_LIMITS.buttonText, `${pointer}/text/text`);
  if (typeof el.value === 'string') tooLong(problems, el.value, BLOCK_LIMITS.buttonValue, `${pointer}/value`);
  if (typeof el.url === 'string') tooLong(problems, el.url, BLOCK_LIMITS.url, `${pointer}/url`);
}

function checkElement(el: unknown, pointer: string, problems: string[]): void {
  if (!isObj(el) || typeof el.type !== 'string') {
    problems.push(`missing required field: type [json-pointer:${pointer}]`);
    return;
  }
  if (typeof el.action_id === 'string') tooLong(problems, el.action_id, BLOCK_LIMITS.actionId, `${pointer}/action_id`);
  if (el.type === 'button') checkButton(el, pointer, problems);
}

function checkBlock(block: unknown, pointer: string, problems: string[]): void {
  if (!isObj(block) || typeof block.type !== 'string') {
    problems.push(`missing required field: type [json-pointer:${pointer}]`);
    return;
  }
  if (typeof block.block_id === 'string') tooLong(problems, block.block_id, BLOCK_LIMITS.blockId, `${pointer}/block_id`);
  switch (block.type) {
    case 'section': {
      const fields = Array.isArray(block.fields) ? block.fields : undefined;
      if (block.text === undefined && !fields) problems.push(`must provide either text or fields [json-pointer:${pointer}]`);
      tooLong(problems, textOf(block.text), BLOCK_LIMITS.sectionText, `${pointer}/text/text`);
      if (fields && fields.length > BLOCK_LIMITS.sectionFields) problems.push(`must provide no more than ${BLOCK_LIMITS.sectionFields} items [json-pointer:${pointer}/fields]`);
      fields?.forEach((f, i) => tooLong(problems, textOf(f), BLOCK_LIMITS.fieldText, `${pointer}/fields/${i}/text`));
      if (block.accessory !== undefined) checkElement(block.accessory, `${pointer}/accessory`, problems);
      return;
    }
    case 'header':
      if (!isObj(block.text) || block.text.type !== 'plain_text') problems.push(`must be a plain_text object [json-pointer:${pointer}/text]`);
      tooLong(problems, textOf(block.text), BLOCK_LIMITS.headerText, `${pointer}/text/text`);
      return;
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0) problems.push(`must provide at least 1 items [json-pointer:${pointer}/elements]`);
      if (elements.length > BLOCK_LIMITS.actionsElements) problems.push(`must provide no more than ${BLOCK_LIMITS.actionsElements} items [json-pointer:${pointer}/elements]`);
      elements.forEach((el, i) => checkElement(el, `${pointer}/elements/${i}`, problems));
      return;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      if (elements.length === 0) problems.push(`must provide at least 1 items [json-pointer:${pointer}/elements]`);
      if (elements.length > BLOCK_LIMITS.contextElements) problems.push(`must provide no more than ${BLOCK_LIMITS.contextElements} items [json-pointer:${pointer}/elements]`);
      return;
    }
    case 'divider':
    case 'image':
    case 'rich_text':
    case 'input':
    case 'file':
    case 'video':
    case 'markdown':
      return;
    default:
      problems.push(`unsupported type: ${block.type} [json-pointer:${pointer}/type]`);
  }
}

/** Problems with `blocks` as Slack words them (none: Slack accepts them). */
export function checkBlocks(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return ['must be an array [json-pointer:/blocks]'];
  const problems: string[] = [];
  if (blocks.length > BLOCK_LIMITS.blocksPerMessage) problems.push(`must provide no more than ${BLOCK_LIMITS.blocksPerMessage} items [json-pointer:/blocks]`);
  blocks.forEach((block, i) => checkBlock(block, `/blocks/${i}`, problems));
  return problems;
}
