import { describe, expect, it } from 'vitest';
import { EntityParseError, parseHtml } from './html';

function parseError(input: string): string {
  try {
    parseHtml(input);
  } catch (err) {
    if (err instanceof EntityParseError) return err.message;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(input)} to fail`);
}

describe('parseHtml', () => {
  it('keeps plain text as it is, without entities', () => {
    expect(parseHtml('BTC long, conviction 0.8')).toEqual({ text: 'BTC long, conviction 0.8', entities: [] });
  });

  it('turns tags into entities with UTF-16 offsets', () => {
    const parsed = parseHtml('😀 <b>BTC <i>long</i></b> <u>u</u><s>s</s><tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>');
    expect(parsed.text).toBe('😀 BTC long usxy');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 3, length: 8 },
      { type: 'italic', offset: 7, length: 4 },
      { type: 'underline', offset: 12, length: 1 },
      { type: 'strikethrough', offset: 13, length: 1 },
      { type: 'spoiler', offset: 14, length: 1 },
      { type: 'spoiler', offset: 15, length: 1 },
    ]);
  });

  it('decodes the four named entities and numeric ones', () => {
    expect(parseHtml('a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#x27; &#x1F600;').text).toBe('a <b> & "c" \'d\' 😀');
  });

  it('makes links, code, pre with a language, blockquotes and custom emoji', () => {
    const parsed = parseHtml(
      '<a href="https://example.com/?a=1&amp;b=2">chart</a> <code>x</code> <pre><code class="language-ts">let a</code></pre> <blockquote expandable>q</blockquote> <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    );
    expect(parsed.entities).toEqual([
      { type: 'text_link', url: 'https://example.com/?a=1&b=2', offset: 0, length: 5 },
      { type: 'code', offset: 6, length: 1 },
      { type: 'pre', language: 'ts', offset: 8, length: 5 },
      { type: 'expandable_blockquote', offset: 14, length: 1 },
      { type: 'custom_emoji', custom_emoji_id: '5368324170671202286', offset: 16, length: 2 },
    ]);
  });

  it('drops entities that cover no text', () => {
    expect(parseHtml('<b></b>x')).toEqual({ text: 'x', entities: [] });
  });

  it('refuses an unknown tag, naming it and its byte offset', () => {
    expect(parseError('é <foo>x</foo>')).toBe('Unsupported start tag "foo" at byte offset 3');
  });

  it('refuses a tag that is never closed', () => {
    expect(parseError('<b>BTC <i>long</i>')).toBe('Can\'t find end tag corresponding to start tag "b"');
  });

  it('refuses crossed tags', () => {
    expect(parseError('<b><i>x</b></i>')).toBe('Unmatched end tag at byte offset 7, expected "</i>", found "</b>"');
  });

  it('refuses an end tag nothing opened', () => {
    expect(parseError('x</b>')).toBe('Unexpected end tag at byte offset 1');
  });

  it('refuses a bare < as an empty or odd start tag', () => {
    expect(parseError('price < 5')).toBe('Unsupported start tag "" at byte offset 6');
    expect(parseError('1<2 ok>')).toBe('Unsupported start tag "2" at byte offset 1');
    expect(parseError('a <b')).toBe('Unclosed start tag at byte offset 2');
  });

  it('refuses a bare & or > that should have been escaped', () => {
    expect(parseError('AT&T')).toBe('Character "&" at byte offset 2 must be escaped as "&amp;"');
    expect(parseError('&nbsp;')).toBe('Character "&" at byte offset 0 must be escaped as "&amp;"');
    expect(parseError('a > b')).toBe('Character ">" at byte offset 2 must be escaped as "&gt;"');
  });

  it('refuses a span that is not a spoiler', () => {
    expect(parseError('<span class="x">y</span>')).toBe('Tag "span" must have class "tg-spoiler" at byte offset 0');
  });
});
