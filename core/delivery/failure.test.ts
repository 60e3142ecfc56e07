import { describe, expect, it } from 'vitest';
import { DeliveryError, SignalcastError } from '../errors';
import { failureOutcome } from './failure';
import type { DueDelivery } from './ports';
import { createRetryPolicy } from './retry-policy';

const row: DueDelivery = {
  id: 7, contentType: 'signal', contentId: 'sig_1', kind: 'alert', destinationId: 'dst_1', accountId: null, platform: 'testchat',
  recipientKey: 'testchat:42', recipient: { platform: 'testchat', chatId: '42' }, isGroup: false, priority: 0, dueAt: 0, attempts: 2,
};
const policy = createRetryPolicy({ maxAttempts: 8, random: () => 0.5 });

describe('failureOutcome', () => {
  it('reschedules a rate-limited send at retry_after and penalises only that chat', () => {
    expect(failureOutcome(row, DeliveryError.rateLimited('Too Many Requests', 3_000, { scope: 'chat', platformCode: '429' }), 1_000, policy)).toEqual({
      result: { type: 'rate_limited', id: 7, at: 1_000, dueAt: 4_000, error: 'Too Many Requests', errorCode: '429' },
      outcome: 'rate_limited',
      penalty: { scope: 'chat', untilMs: 4_000 },
    });
  });

  it('penalises the whole platform when the limit is global', () => {
    expect(failureOutcome(row, DeliveryError.rateLimited('slow', 500, { scope: 'global' }), 0, policy).penalty).toEqual({ scope: 'global', untilMs: 500 });
  });

  it('penalises the route bucket the platform named', () => {
    expect(failureOutcome(row, DeliveryError.rateLimited('slow', 500, { scope: 'route', bucket: 'b1' }), 0, policy).penalty).toEqual({ scope: 'route', untilMs: 500, bucket: 'b1' });
  });

  it('retries a temporary failure with the policy\'s backoff and counts the attempt', () => {
    expect(failureOutcome(row, DeliveryError.temporary('Bad Gateway', { platformCode: '502' }), 1_000, policy).result)
      .toEqual({ type: 'retry', id: 7, at: 1_000, dueAt: 3_000, attempts: 3, error: 'Bad Gateway', errorCode: '502' });
  });

  it('disables the destination on a permanent failure, with the reason and the platform\'s answer', () => {
    expect(failureOutcome(row, DeliveryError.permanent('Forbidden: bot was blocked by the user', 'blocked', { platformCode: '403' }), 5, policy)).toEqual({
      result: {
        type: 'permanent', id: 7, at: 5, attempts: 3, destinationId: 'dst_1', platform: 'testchat', recipientKey: 'testchat:42',
        reason: 'blocked', error: 'Forbidden: bot was blocked by the user', errorCode: '403',
      },
      outcome: 'permanent',
    });
  });

  it('dead-letters at once content that no longer exists', () => {
    expect(failureOutcome(row, new SignalcastError('not_found', 'signal sig_1 does not exist'), 5, policy)).toEqual({
      result: { type: 'dead', id: 7, at: 5, attempts: 3, error: 'signal sig_1 does not exist', errorCode: 'content_not_found' },
      outcome: 'dead',
    });
  });

  it('names an unexpected error as internal and retries it', () => {
    expect(failureOutcome(row, new TypeError('boom'), 0, policy).result).toMatchObject({ type: 'retry', errorCode: 'internal', error: 'boom' });
  });
});
