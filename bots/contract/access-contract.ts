// What every access gate must do, written once and run against each adapter with its emulator: grant, revoke, and refusals with their codes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessFailureCode, AccessGate, AccessHolder, AccessOutcome, AccessResource } from '../../core/access/ports';
import type { AccessKind } from '../../core/platform/adapter';

/** The kinds of resource a gate grants (the others in AccessKind are ways in, not things held). */
const HELD_KINDS = ['chat', 'role', 'workspace'] as const;
type HeldKind = (typeof HELD_KINDS)[number];

/** What a platform's test gives the suite: the gate, people and resources in known states, and what its emulator shows. */
export interface AccessHarness {
  gate: AccessGate;
  /** A person with an account, who has talked to the bot; the suite passes small numbers (1, 2, ...). */
  holder(n: number): Promise<AccessHolder>;
  /** A resource of this kind the bot may grant. */
  resource(kind: HeldKind): Promise<AccessResource>;
  /**
   * After a grant that the person must complete (a personal invite link to open), does what the
   * person would; nothing where a grant takes effect at once.
   */
  completeGrant(holder: AccessHolder, resource: AccessResource, outcome: AccessOutcome): Promise<void>;
  /** Whether the emulator shows the person holding it (in the chat, with the role). */
  holds(holder: AccessHolder, resource: AccessResource): Promise<boolean>;
  /** The texts the person received from the bot in private, oldest first. */
  told(holder: AccessHolder): Promise<string[]>;
  /** A resource of this kind the platform refuses the bot (a role at or above the bot's own, a chat where it is no admin). */
  refused(kind: HeldKind): Promise<AccessResource>;
  /** A resource of this kind that does not exist. */
  missing(kind: HeldKind): Promise<AccessResource>;
  stop(): Promise<void>;
}

/** The codes a refusal of the bot's rights may carry. */
const REFUSAL_CODES: AccessFailureCode[] = ['hierarchy', 'missing_permission'];

/**
 * Runs the access contract against one gate for each access kind in `declared` (its adapter's
 * capabilities.access); `setup` starts a fresh emulator for each test.
 */
export function describeAccessContract(name: string, declared: readonly AccessKind[], setup: () => Promise<AccessHarness>): void {
  describe(`access contract: ${name}`, () => {
    let h: AccessHarness;
    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => h.stop());

    const grantFully = async (holder: AccessHolder, resource: AccessResource): Promise<AccessOutcome> => {
      const outcome = await h.gate.grant(holder, resource, 'contract: entitled');
      await h.completeGrant(holder, resource, outcome);
      return outcome;
    };

    it('has the optional gate methods exactly for the ways in its adapter declares', () => {
      expect(typeof h.gate.approveJoinRequest === 'function').toBe(declared.includes('join_request'));
      expect(typeof h.gate.declineJoinRequest === 'function').toBe(declared.includes('join_request'));
      expect(typeof h.gate.revokeInviteLink === 'function').toBe(declared.includes('invite_link'));
    });

    for (const kind of HELD_KINDS.filter((k) => declared.includes(k))) {
      it(`grants ${kind} access: the platform then shows the person holding it, and the person is told`, async () => {
        const [holder, resource] = [await h.holder(1), await h.resource(kind)];
        expect(await h.holds(holder, resource)).toBe(false);
        const before = (await h.told(holder)).length;
        const outcome = await grantFully(holder, resource);
        expect(['granted', 'invited', 'approved']).toContain(outcome.result);
        expect(await h.holds(holder, resource)).toBe(true);
        expect((await h.told(holder)).length).toBeGreaterThan(before);
      });

      it(`grants ${kind} access again to someone who holds it without failing`, async () => {
        const [holder, resource] = [await h.holder(2), await h.resource(kind)];
        await grantFully(holder, resource);
        const again = await h.gate.grant(holder, resource, 'contract: entitled again');
        expect(again).toMatchObject({ result: 'granted', holds: true });
        expect(await h.holds(holder, resource)).toBe(true);
      });

      it(`revokes ${kind} access: the platform then shows the person no longer holding it, and a second revoke does nothing`, async () => {
        const [holder, resource] = [await h.holder(3), await h.resource(kind)];
        await grantFully(holder, resource);
        expect(await h.holds(holder, resource)).toBe(true);
        const revoked = await h.gate.revoke(holder, resource, 'contract: lapsed');
        expect(revoked).toMatchObject({ result: 'revoked', holds: false });
        expect(await h.holds(holder, resource)).toBe(false);
        expect(await h.gate.revoke(holder, resource, 'contract: lapsed again')).toMatchObject({ result: 'noop', holds: false });
      });

      it(`reports a refused ${kind} grant as failed with its code, and the person holds nothing`, async () => {
        const [holder, resource] = [await h.holder(4), await h.refused(kind)];
        const outcome = await h.gate.grant(holder, resource, 'contract: entitled');
        expect(outcome.result).toBe('failed');
        expect(REFUSAL_CODES).toContain(outcome.code);
        expect(outcome.detail).toMatch(/\S/);
        expect(await h.holds(holder, resource)).toBe(false);
      });

      it(`reports a ${kind} that does not exist as resource_not_found`, async () => {
        const outcome = await h.gate.grant(await h.holder(5), await h.missing(kind), 'contract: entitled');
        expect(outcome).toMatchObject({ result: 'failed', code: 'resource_not_found' });
      });
    }
  });
}
