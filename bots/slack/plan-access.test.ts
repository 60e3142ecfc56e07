import { describe, expect, it } from 'vitest';
import { slackAccess } from './plan-access';

describe('slackAccess', () => {
  it('reads the workspace licence, with seats only when set', () => {
    expect(slackAccess.parse({ workspaceLicence: true })).toEqual({ ok: true, resource: { platform: 'slack', kind: 'workspace', id: 'licence' } });
    expect(slackAccess.parse({ workspaceLicence: true, seats: 25 })).toEqual({ ok: true, resource: { platform: 'slack', kind: 'workspace', id: 'licence', options: { seats: '25' } } });
  });

  it('names the field that is wrong', () => {
    expect(slackAccess.parse({ workspaceLicence: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^workspaceLicence: expected true/) });
    expect(slackAccess.parse({ workspaceLicence: true, seats: 0 })).toMatchObject({ ok: false, error: expect.stringMatching(/^seats: expected a whole number/) });
    expect(slackAccess.parse({ workspaceLicence: true, channel: 'C1' })).toMatchObject({ ok: false, error: expect.stringMatching(/^channel: unknown field/) });
    expect(slackAccess.parse('yes')).toMatchObject({ ok: false, error: 'expected { workspaceLicence: true }' });
  });
});
