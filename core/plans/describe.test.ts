import { describe, expect, it } from 'vitest';
import { currentCapabilities, supportsAccess } from '../capabilities';
import type { AccessResource } from '../access/ports';
import { DEFAULT_PLANS } from './default-plans';
import { accessNotGiven, describePlan, subscriberFeatures } from './describe';
import { requirePlan } from './lookup';
import type { Plan } from './schema';

const vip = requirePlan(DEFAULT_PLANS, 'vip');
const gating = (...access: AccessResource[]): Plan => ({ ...vip, access });
const chat: AccessResource = { platform: 'roomchat', kind: 'chat', id: 'r1' };
const role: AccessResource = { platform: 'guildchat', kind: 'role', tenant: 'g1', id: '42' };
const licence: AccessResource = { platform: 'teamchat', kind: 'workspace', id: 'licence' };
const MEMBERS = 'the members-only channel';
const TEAM = 'alerts in your team workspace';

describe('capabilities from the running adapters', () => {
  it("keeps each running adapter's declared access kinds; a bare name runs and gates nothing", () => {
    const c = currentCapabilities([{ name: 'roomchat', capabilities: { access: ['chat', 'invite_link'] } }, 'plainchat'], true);
    expect(c).toEqual({ platforms: ['roomchat', 'plainchat'], access: { roomchat: ['chat', 'invite_link'] }, payments: true, rationale: false, snapshot: false, subscriberApi: false });
    expect([supportsAccess(c, 'roomchat', 'chat'), supportsAccess(c, 'roomchat', 'role'), supportsAccess(c, 'plainchat', 'chat'), supportsAccess(c, 'guildchat', 'role')]).toEqual([true, false, false, false]);
  });
});

describe('what a subscriber is offered', () => {
  it("promises the members-only channel for a gated chat or role only while its platform runs and its adapter gives that kind", () => {
    const both = currentCapabilities([{ name: 'roomchat', capabilities: { access: ['chat'] } }, { name: 'guildchat', capabilities: { access: ['role'] } }], true);
    expect(subscriberFeatures(gating(chat), both)).toContain(MEMBERS);
    expect(subscriberFeatures(gating(role), both)).toContain(MEMBERS);
    expect(subscriberFeatures(gating(chat), currentCapabilities(['roomchat'], true))).not.toContain(MEMBERS);
    expect(subscriberFeatures(gating(chat), currentCapabilities([{ name: 'roomchat', capabilities: { access: ['role'] } }], true))).not.toContain(MEMBERS);
    expect(subscriberFeatures(gating(role), currentCapabilities([{ name: 'roomchat', capabilities: { access: ['chat', 'role'] } }], true))).not.toContain(MEMBERS);
    expect(subscriberFeatures({ ...gating(chat), platforms: ['guildchat'] }, both)).not.toContain(MEMBERS);
  });

  it('promises alerts in the team workspace for a workspace licence on a running platform that gives workspaces, and names no platform', () => {
    const team = currentCapabilities([{ name: 'teamchat', capabilities: { access: ['workspace'] } }], true);
    const features = subscriberFeatures(gating(licence), team);
    expect(features).toEqual(['real-time alerts', 'no daily limit', 'alerts by direct message', TEAM]);
    expect(subscriberFeatures(gating(licence), currentCapabilities([{ name: 'teamchat', capabilities: { access: ['chat'] } }], true))).not.toContain(TEAM);
    expect(subscriberFeatures(gating(chat), currentCapabilities([{ name: 'roomchat', capabilities: { access: ['chat', 'workspace'] } }], true))).not.toContain(TEAM);
  });

  it('names, for a warning at start, each gated place on a platform that does not run or whose adapter does not give that kind', () => {
    const plans = { ...DEFAULT_PLANS, plans: DEFAULT_PLANS.plans.map((p) => (p.id === 'vip' ? gating(chat, role, licence) : p)) };
    const running = currentCapabilities([{ name: 'roomchat', capabilities: { access: ['chat'] } }, { name: 'guildchat', capabilities: { access: ['chat'] } }], true);
    expect(accessNotGiven(plans, running)).toEqual([
      'plan vip gates guildchat role 42 in g1, but the guildchat adapter gives no role access',
      'plan vip gates teamchat workspace licence, but teamchat is not running here',
    ]);
    expect(accessNotGiven(DEFAULT_PLANS, running)).toEqual([]);
  });

  it('describes what a plan gates for plans check', () => {
    expect(describePlan(gating(chat, role))).toContain('; gates roomchat chat r1, guildchat role 42 in g1;');
    expect(describePlan(vip)).not.toContain('gates');
  });
});
