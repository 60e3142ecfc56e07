import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { createLogger, createScrubber, secretValues, usesPretty } from './logging';

const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination, text: () => lines.join('\n') };
}

/** The top-level keys of a raw JSON object text, in order and with repeats (JSON.parse would hide them). */
function rawTopLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    }
  }
  return keys;
}

describe('createLogger', () => {
  it('never writes the bot token, even inside an error message and its stack', () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN });
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json', secrets: secretValues(config), destination: out.destination });
    log.error({ err: new Error(`token ${BOT_TOKEN} was rejected`) }, `send failed: POST https://api.telegram.org/bot${BOT_TOKEN}/sendMessage`);
    log.warn({ url: `https://api.telegram.org/bot${BOT_TOKEN}/getMe`, detail: { text: BOT_TOKEN } }, 'retrying');
    expect(out.lines).toHaveLength(2);
    expect(out.text()).not.toContain(BOT_TOKEN);
    expect(out.text()).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
    const first = JSON.parse(out.lines[0]!) as { err: { message: string; stack: string }; msg: string };
    expect(first.err.message).toBe('token [REDACTED] was rejected');
    expect(first.err.stack).toContain('[REDACTED]');
    expect(first.msg).toContain('/sendMessage');
  });

  it('drops authorization headers, signatures and fields named like secrets', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json', destination: out.destination });
    log.info({
      req: { headers: { authorization: 'Bearer short', 'x-signalcast-signature': 't=1,v1=abc' } },
      token: 'plain-token-value',
      config: { apiKey: 'some-key-value', signingSecret: 'some-secret-value' },
    }, 'request');
    const line = JSON.parse(out.lines[0]!) as { req: { headers: Record<string, string> }; token: string; config: Record<string, string> };
    expect(line.req.headers.authorization).toBe('[REDACTED]');
    expect(line.req.headers['x-signalcast-signature']).toBe('[REDACTED]');
    expect(line.token).toBe('[REDACTED]');
    expect(line.config).toEqual({ apiKey: '[REDACTED]', signingSecret: '[REDACTED]' });
  });

  it('scrubs API keys and Stripe keys it was never told about', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json', destination: out.destination });
    log.info(`key sc_${'a1B2'.repeat(10)} and sk_test_${'x'.repeat(24)} and whsec_abc123def`);
    expect(out.text()).not.toMatch(/sc_a1B2|sk_test_x|whsec_abc/);
    expect(out.text()).toContain('sc_[REDACTED]');
  });

  it('scrubs secrets in pretty output too', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'pretty', secrets: ['openai-key-value-123'], destination: out.destination });
    log.info({ note: 'openai-key-value-123' }, 'calling with openai-key-value-123');
    expect(out.text()).toContain('calling with [REDACTED]');
    expect(out.text()).not.toContain('openai-key-value-123');
    expect(() => JSON.parse(out.lines[0]!)).toThrow();
  });

  it("writes a key bound again by a child logger once, with the child's value", () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'json', destination: out.destination });
    const telegram = log.child({ component: 'telegram', platform: 'telegram' });
    const platform = telegram.child({ component: 'telegram-platform', note: 'quote " and {brace}' });
    platform.info({ chatId: 7 }, 'sent');
    platform.child({ component: 'deeper' }).warn('again');
    telegram.info('parent unchanged');
    expect(out.lines).toHaveLength(3);
    for (const line of out.lines) {
      const keys = rawTopLevelKeys(line);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i), line).toEqual([]);
    }
    expect(rawTopLevelKeys(out.lines[0]!)).toEqual(expect.arrayContaining(['component', 'platform', 'note', 'chatId', 'msg']));
    expect(out.lines.map((l) => (JSON.parse(l) as { component: string }).component)).toEqual(['telegram-platform', 'deeper', 'telegram']);
    expect((JSON.parse(out.lines[0]!) as { note: string }).note).toBe('quote " and {brace}');
  });

  it('respects the level', () => {
    const out = capture();
    const log = createLogger({ level: 'warn', format: 'json', destination: out.destination });
    log.info('hidden');
    log.warn('shown');
    expect(out.lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
  });
});

describe('usesPretty', () => {
  it('is pretty when asked, or on auto with a terminal; JSON otherwise', () => {
    expect(usesPretty('pretty', false)).toBe(true);
    expect(usesPretty('auto', true)).toBe(true);
    expect(usesPretty('auto', false)).toBe(false);
    expect(usesPretty('json', true)).toBe(false);
  });
});

describe('createScrubber', () => {
  it('catches a secret in its JSON-escaped and URL-encoded forms', () => {
    const scrub = createScrubber(['p@ss"word\\x/y']);
    expect(scrub(JSON.stringify({ m: 'p@ss"word\\x/y' }))).toBe('{"m":"[REDACTED]"}');
    expect(scrub(`?k=${encodeURIComponent('p@ss"word\\x/y')}`)).toBe('?k=[REDACTED]');
  });

  it('leaves very short values alone so ordinary text survives', () => {
    expect(createScrubber(['1'])('version 1.2')).toBe('version 1.2');
  });

  it('leaves ordinary words after Bot and Bearer alone', () => {
    expect(createScrubber([])('Bot started; Bearer scheme expected')).toBe('Bot started; Bearer scheme expected');
  });
});
