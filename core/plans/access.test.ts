import { describe, expect, it } from 'vitest';
import type { AccessSpec } from '../platform/adapter';
import { checkPlans, parsePlans } from './load';
import { requirePlan } from './lookup';

/** Two neutral apps: "roomchat" gates rooms `{ room }`, "guildchat" roles in a guild `{ guild, role }`. */
const roomchat: AccessSpec = {
  example: '{ roomchat: { room: "r1" } }',
  parse: (s) => {
    const room = (s as { room?: unknown } | null)?.room;
    return typeof room === 'string' ? { ok: true, resource: { platform: 'roomchat', kind: 'chat', id: room } } : { ok: false, error: 'room: expected a string' };
  },
};
const guildchat: AccessSpec = {
  example: '{ guildchat: { guild: "g1", role: "r1" } }',
  parse: (s) => {
    const { guild, role } = (s ?? {}) as { guild?: unknown; role?: unknown };
    return typeof guild === 'string' && typeof role === 'string'
      ? { ok: true, resource: { platform: 'guildchat', kind: 'role', tenant: guild, id: role } }
      : { ok: false, error: 'expected { guild, role }' };
  },
};
const access = new Map([['roomchat', roomchat], ['guildchat', guildchat]]);

const FREE = '  - { id: free, name: Free, level: 0, stripePriceId: null, priceCents: 0 }\n';
const vip = (list: string) => `plans:\n${FREE}  - { id: vip, name: VIP, level: 20, stripePriceId: price_vip, priceCents: 100, access: ${list} }\n`;

function errorsOf(text: string, options = { access }): string[] {
  const check = checkPlans(text, 'plans.yaml', options);
  if (check.ok) throw new Error('expected the plans to be rejected');
  return check.errors;
}

describe("a plan's access list", () => {
  it('reads each entry through the spec of the chat app it is under, in order', () => {
    const plans = parsePlans(vip('[{ roomchat: { room: "r9" } }, { guildchat: { guild: "g1", role: "42" } }]'), 'plans.yaml', { access });
    expect(requirePlan(plans, 'vip').access).toEqual([
      { platform: 'roomchat', kind: 'chat', id: 'r9' },
      { platform: 'guildchat', kind: 'role', tenant: 'g1', id: '42' },
    ]);
    expect(requirePlan(plans, 'free').access).toEqual([]);
  });

  it('names the plan, the entry and the chat app this build has no adapter for, and the ones it has', () => {
    expect(errorsOf(vip('[{ roomchat: { room: "r9" } }, { roomchta: { room: "r9" } }]'))).toEqual([
      'plans.yaml: plans[1].access[1] (plan vip): no chat app named "roomchta" in this build (it has: guildchat, roomchat)',
    ]);
  });

  it('refuses an entry with two chat apps, with none, or that is not an object', () => {
    expect(errorsOf(vip('[{ roomchat: { room: "r9" }, guildchat: { guild: "g", role: "r" } }, {}, roomchat]'))).toEqual([
      'plans.yaml: plans[1].access[0] (plan vip): expected one chat app per entry, found 2 (roomchat, guildchat): write each as its own entry',
      'plans.yaml: plans[1].access[1] (plan vip): expected one chat app\'s name as the entry\'s only key, such as { roomchat: { room: "r1" } }',
      'plans.yaml: plans[1].access[2] (plan vip): expected an entry such as { roomchat: { room: "r1" } }',
    ]);
  });

  it("gives the spec's own error with the app's name and an example, and refuses the same place twice", () => {
    expect(errorsOf(vip('[{ guildchat: { role: "42" } }, { roomchat: { room: "a" } }, { roomchat: { room: "a" } }]'))).toEqual([
      'plans.yaml: plans[1].access[0] (plan vip): guildchat: expected { guild, role }; for example { guildchat: { guild: "g1", role: "r1" } }',
      'plans.yaml: plans[1].access[2] (plan vip): the same place as access[1] (roomchat:chat:a)',
    ]);
  });

  it('lists access problems together with the other fields\' problems', () => {
    const errors = errorsOf(vip('[{ nochat: {} }]').replace('priceCents: 100', 'priceCents: -1'));
    expect(errors).toEqual([
      'plans.yaml: plans[1].priceCents: expected a number >= 0',
      'plans.yaml: plans[1].access[0] (plan vip): no chat app named "nochat" in this build (it has: guildchat, roomchat)',
    ]);
    expect(errorsOf(vip('{ roomchat: { room: "r9" } }'))).toEqual(['plans.yaml: plans[1].access: expected a list']);
  });

  it('without the adapters\' specs, an access entry is an error and a plan without one loads', () => {
    expect(errorsOf(vip('[{ roomchat: { room: "r9" } }]'), {} as { access: typeof access })).toEqual([
      'plans.yaml: plans[1].access[0] (plan vip): no chat app named "roomchat" in this build (it has none)',
    ]);
    expect(parsePlans(vip('[]'), 'plans.yaml').plans).toHaveLength(2);
  });

  it('applies the rewrite before checking: its warnings come back with the plans, its errors refuse them, and the logger hears the warnings', () => {
    const rewrite = (plan: Readonly<Record<string, unknown>>) => {
      const { rooms, ...rest } = plan;
      if (rooms === undefined) return { plan: { ...rest }, warnings: [] };
      if (!Array.isArray(rooms)) return { plan: { ...rest }, warnings: [], errors: [{ field: 'rooms', message: 'expected a list' }] };
      return { plan: { ...rest, access: rooms.map((room: unknown) => ({ roomchat: { room } })) }, warnings: [{ field: 'rooms', message: 'deprecated: write access' }] };
    };
    const text = `plans:\n${FREE}  - { id: vip, name: VIP, level: 20, stripePriceId: price_vip, priceCents: 100, rooms: [r1] }\n`;
    const check = checkPlans(text, 'plans.yaml', { access, rewrite });
    expect(check).toMatchObject({ ok: true, warnings: ['plans.yaml: plans[1].rooms (plan vip): deprecated: write access'] });
    expect(check.ok && requirePlan(check.plans, 'vip').access).toEqual([{ platform: 'roomchat', kind: 'chat', id: 'r1' }]);
    const heard: string[] = [];
    parsePlans(text, 'plans.yaml', { access, rewrite, logger: { warn: (_o: unknown, line: string) => heard.push(line) } as never });
    expect(heard).toEqual(['plans.yaml: plans[1].rooms (plan vip): deprecated: write access']);
    expect(errorsOf(text.replace('[r1]', 'r1'), { access, rewrite } as never)).toEqual(['plans.yaml: plans[1].rooms (plan vip): expected a list']);
    // Without the rewrite, the old field is just unknown.
    expect(errorsOf(text)).toEqual(['plans.yaml: plans[1].rooms: unknown field']);
  });
});
