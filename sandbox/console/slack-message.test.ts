// Slack messages as the console shows them: mrkdwn made readable and safe, Block Kit as cards, buttons as forms or links.
import { describe, expect, it } from 'vitest';
import { mrkdwnHtml, slackBodyHtml } from './slack-message';

const actionUrl = (a: string) => `/slack/${a}`;

describe('Slack messages on the console', () => {
  it('shows links, channel and user mentions and bold as Slack does, and escapes the rest', () => {
    expect(mrkdwnHtml('Pay <https://pay.example/c/1|here> for <#C0ALERTS01|alerts>, <@U1>: *now* &lt;b&gt;', (id) => (id === 'U1' ? 'dana' : undefined)))
      .toBe('Pay <a href="https://pay.example/c/1" target="_blank" rel="noopener noreferrer">here ↗</a> for <strong>#alerts</strong>, <strong>@dana</strong>: <strong>now</strong> &lt;b&gt;');
    expect(mrkdwnHtml('<javascript:alert(1)|click>')).toBe('&lt;javascript:alert(1)|click&gt;');
    expect(mrkdwnHtml('<img src=x onerror=alert(1)>')).not.toContain('<img');
  });

  it('renders a header, fields, context and buttons: a link button opens its URL, an action button posts its action id with the message', () => {
    const html = slackBodyHtml({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'SHORT ETHUSDT <b>' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Entry* 3,100' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Band A' }] },
        { type: 'actions', elements: [{ type: 'button', action_id: 'plan_pick', text: { type: 'plain_text', text: 'Pro' }, value: 'pro' }, { type: 'button', action_id: 'open', text: { type: 'plain_text', text: 'Pay' }, url: 'https://pay.example/c/2' }] },
      ],
    }, { actionUrl, target: { channel: 'C1', ts: '1.000001' } });
    expect(html).toContain('<strong>SHORT ETHUSDT &lt;b&gt;</strong>');
    expect(html).toContain('<strong>Entry</strong> 3,100');
    expect(html).toContain('<div class="meta">Band A</div>');
    expect(html).toContain('<form method="post" action="/slack/click" class="inline"><input type="hidden" name="channel" value="C1"><input type="hidden" name="ts" value="1.000001"><input type="hidden" name="action_id" value="plan_pick"><button type="submit">Pro</button></form>');
    expect(html).toContain('<a href="https://pay.example/c/2" target="_blank" rel="noopener noreferrer">Pay ↗</a>');
    expect(html).not.toContain('fallback');
    expect(slackBodyHtml({ text: 'only text' }, { actionUrl })).toBe('<div>only text</div>');
    expect(slackBodyHtml({ text: '', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'x', text: { type: 'plain_text', text: 'X' } }] }] }, { actionUrl })).toContain('disabled');
  });
});
