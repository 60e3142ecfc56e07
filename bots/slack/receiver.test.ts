// The receiver's checks on their own: Slack's signature over the raw bytes, and the three body shapes Slack posts.
import { describe, expect, it } from 'vitest';
import { slackSignature } from '../../sandbox/slack';
import { parseBody, validSignature } from './receiver';

const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('validSignature', () => {
  const body = Buffer.from('command=%2Fsignals&text=subscribe+%3C%23C1%7Calerts%3E');
  const ts = '1767225600';

  it('accepts Slack\'s v0 signature over the exact bytes', () => {
    expect(validSignature(SECRET, ts, body, slackSignature(SECRET, Number(ts), body.toString()))).toBe(true);
  });

  it('refuses another secret, another timestamp, a changed body and a malformed header', () => {
    const good = slackSignature(SECRET, Number(ts), body.toString());
    expect(validSignature('another-secret-of-32-characters!', ts, body, good)).toBe(false);
    expect(validSignature(SECRET, '1767225601', body, good)).toBe(false);
    expect(validSignature(SECRET, ts, Buffer.concat([body, Buffer.from('&x=1')]), good)).toBe(false);
    expect(validSignature(SECRET, ts, body, good.slice(0, -1))).toBe(false);
    expect(validSignature(SECRET, ts, body, '')).toBe(false);
  });
});

describe('parseBody', () => {
  const request = (contentType: string, text: string) => ({ headers: { 'content-type': contentType }, query: {}, rawBody: Buffer.from(text) });

  it('reads a slash command form, an interactivity payload and an Events API JSON body', () => {
    expect(parseBody(request('application/x-www-form-urlencoded', 'command=%2Fsignals&text=help&team_id=T1'))).toEqual({ command: '/signals', text: 'help', team_id: 'T1' });
    expect(parseBody(request('application/x-www-form-urlencoded', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [] }))}`))).toEqual({ type: 'block_actions', actions: [] });
    expect(parseBody(request('application/json', '{"type":"event_callback","event_id":"Ev1"}'))).toEqual({ type: 'event_callback', event_id: 'Ev1' });
  });

  it('throws on a JSON body that is not JSON (the receiver answers 400)', () => {
    expect(() => parseBody(request('application/json', '{nope'))).toThrow();
  });
});
