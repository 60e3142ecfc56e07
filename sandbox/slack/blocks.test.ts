// Block Kit limits as Slack documents them: each one accepted at the limit and refused one past it.
import { describe, expect, it } from 'vitest';
import { BLOCK_LIMITS, checkBlocks } from './blocks';

const text = (n: number) => 'x'.repeat(n);
const plain = (n: number) => ({ type: 'plain_text', text: text(n) });
const mrkdwn = (n: number) => ({ type: 'mrkdwn', text: text(n) });
const button = (label: number, value = 1) => ({ type: 'button', action_id: 'a', text: plain(label), value: text(value) });

describe('Block Kit checks', () => {
  it.each([
    ['blocks per message', (n: number) => Array.from({ length: n }, () => ({ type: 'divider' })), BLOCK_LIMITS.blocksPerMessage],
    ['section text', (n: number) => [{ type: 'section', text: mrkdwn(n) }], BLOCK_LIMITS.sectionText],
    ['section fields', (n: number) => [{ type: 'section', fields: Array.from({ length: n }, () => mrkdwn(1)) }], BLOCK_LIMITS.sectionFields],
    ['field text', (n: number) => [{ type: 'section', fields: [mrkdwn(n)] }], BLOCK_LIMITS.fieldText],
    ['header text', (n: number) => [{ type: 'header', text: plain(n) }], BLOCK_LIMITS.headerText],
    ['button text', (n: number) => [{ type: 'actions', elements: [button(n)] }], BLOCK_LIMITS.buttonText],
    ['button value', (n: number) => [{ type: 'actions', elements: [button(1, n)] }], BLOCK_LIMITS.buttonValue],
    ['actions elements', (n: number) => [{ type: 'actions', elements: Array.from({ length: n }, () => button(1)) }], BLOCK_LIMITS.actionsElements],
    ['button as a section accessory', (n: number) => [{ type: 'section', text: mrkdwn(1), accessory: button(n) }], BLOCK_LIMITS.buttonText],
  ])('%s: accepted at the limit, refused past it', (_name, make, limit) => {
    expect(checkBlocks(make(limit))).toEqual([]);
    expect(checkBlocks(make(limit + 1))).toHaveLength(1);
  });

  it('names the field in Slack\'s words with a JSON pointer', () => {
    expect(checkBlocks([{ type: 'divider' }, { type: 'header', text: plain(151) }])).toEqual(['must be less than 151 characters [json-pointer:/blocks/1/text/text]']);
  });

  it('refuses a block without a type, an unknown type, a header in mrkdwn, an empty section and blocks that are not a list', () => {
    expect(checkBlocks([{}])).toEqual(['missing required field: type [json-pointer:/blocks/0]']);
    expect(checkBlocks([{ type: 'carousel' }])[0]).toMatch(/unsupported type: carousel/);
    expect(checkBlocks([{ type: 'header', text: mrkdwn(3) }])[0]).toMatch(/plain_text/);
    expect(checkBlocks([{ type: 'section' }])[0]).toMatch(/text or fields/);
    expect(checkBlocks({ type: 'section' })).toEqual(['must be an array [json-pointer:/blocks]']);
  });
});
