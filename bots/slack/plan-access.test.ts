import { describe, expect, it } from 'vitest';
import type { PlanFieldNotes } from '../../core/plans';
import { SLACK_ENTERPRISE, slackAccess } from './plan-access';

describe('slackAccess', () => {
  it('reads the workspace licence: one price per workspace, or per seat when seats is "per-member"', () => {
    expect(slackAccess.parse({ workspaceLicence: true })).toEqual({ ok: true, resource: { platform: 'slack', kind: 'workspace', id: 'licence' } });
    expect(slackAccess.parse({ workspaceLicence: true, seats: 'per-member' })).toEqual({ ok: true, resource: { platform: 'slack', kind: 'workspace', id: 'licence', options: { seats: 'per-member' } } });
  });

  it('refuses any other seats value, the old number of seats too, naming the field and the allowed value', () => {
    for (const seats of [25, 0, 'per-seat', true, null, { count: 3 }]) {
      expect(slackAccess.parse({ workspaceLicence: true, seats })).toEqual({ ok: false, error: expect.stringMatching(/^seats: expected "per-member" \(the price is per seat/) });
    }
  });

  it('names the field that is wrong', () => {
    expect(slackAccess.parse({ workspaceLicence: false })).toMatchObject({ ok: false, error: expect.stringMatching(/^workspaceLicence: expected true/) });
    expect(slackAccess.parse({ workspaceLicence: true, channel: 'C1' })).toMatchObject({ ok: false, error: expect.stringMatching(/^channel: unknown field/) });
    expect(slackAccess.parse('yes')).toMatchObject({ ok: false, error: 'expected { workspaceLicence: true }' });
  });
});

describe('the deprecated slackEnterprise plan field', () => {
  it('becomes the workspace licence when true, with a warning showing the new form', () => {
    const notes: PlanFieldNotes = { warnings: [], errors: [] };
    expect(SLACK_ENTERPRISE.read(true, slackAccess, notes)).toEqual([{ slack: { workspaceLicence: true } }]);
    expect(notes).toEqual({ errors: [], warnings: [{ field: 'slackEnterprise', message: 'deprecated (read for this release only): write access: [{ slack: { workspaceLicence: true } }] instead' }] });
  });

  it('is ignored, with the new form, when the build reads no Slack entries', () => {
    const notes: PlanFieldNotes = { warnings: [], errors: [] };
    expect(SLACK_ENTERPRISE.read(true, undefined, notes)).toEqual([]);
    expect(notes).toEqual({ errors: [], warnings: [{ field: 'slackEnterprise', message: 'ignored: this build has no Slack adapter; when it lands write access: [{ slack: { workspaceLicence: true } }]' }] });
  });
});
