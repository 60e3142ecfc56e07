import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLANS } from './default-plans';
import { describePlans } from './describe';
import { checkPlans, loadPlans, parsePlans } from './load';
import { freePlan, paidPlans, planById, planByPriceId, requirePlan } from './lookup';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'plans.example.yaml');

function errorsOf(text: string, filename = 'plans.yaml'): string[] {
  const check = checkPlans(text, filename);
  if (check.ok) throw new Error('expected the plans to be rejected');
  return check.errors;
}

const minimal = (plans: string) => `graceDays: 3\nplans:\n${plans}`;
const FREE = '  - { id: free, name: Free, level: 0, stripePriceId: null, priceCents: 0, delayMinutes: 15, dailyCap: 3 }\n';
const PRO = '  - { id: pro, name: Pro, level: 10, stripePriceId: price_pro, priceCents: 4900 }\n';

describe('plans file', () => {
  it('ships an example file that says exactly what the built-in plans say', () => {
    const plans = loadPlans(EXAMPLE);
    expect(plans).toEqual(DEFAULT_PLANS);
  });

  it('uses the built-in plans when no file is configured', () => {
    expect(loadPlans(undefined)).toBe(DEFAULT_PLANS);
  });

  it('has the free, pro, vip and enterprise plans the design describes', () => {
    const free = freePlan(DEFAULT_PLANS);
    expect(free).toMatchObject({ id: 'free', delayMinutes: 15, dailyCap: 3, rationale: false, snapshot: true, directMessages: true, stripePriceId: null });
    expect(requirePlan(DEFAULT_PLANS, 'pro')).toMatchObject({ delayMinutes: 0, rationale: true, snapshot: true, directMessages: true, trialDays: 7 });
    // They name no chat app: offered on every platform that runs, gating nothing (the sandbox gives VIP its demo channel).
    expect(DEFAULT_PLANS.plans.map((p) => [p.platforms, p.access])).toEqual(DEFAULT_PLANS.plans.map(() => [null, []]));
    expect(paidPlans(DEFAULT_PLANS).map((p) => p.id)).toEqual(['pro', 'vip', 'enterprise']);
    expect(planByPriceId(DEFAULT_PLANS, 'price_vip_monthly')?.id).toBe('vip');
  });

  it('reads the same plans from JSON and from YAML, filling in the defaults', () => {
    const yaml = parsePlans(minimal(FREE + PRO), 'plans.yml');
    const json = parsePlans(JSON.stringify({
      plans: [
        { id: 'free', name: 'Free', level: 0, stripePriceId: null, priceCents: 0, delayMinutes: 15, dailyCap: 3 },
        { id: 'pro', name: 'Pro', level: 10, stripePriceId: 'price_pro', priceCents: 4900 },
      ],
    }), 'plans.json');
    expect(json).toEqual(yaml);
    expect(yaml.graceDays).toBe(3);
    expect(planById(yaml, 'pro')).toMatchObject({ currency: 'usd', interval: 'month', delayMinutes: 0, dailyCap: null, trialDays: 0, access: [] });
  });

  it('protects the content of paid plans and not of the free one, unless the file says otherwise', () => {
    const defaults = parsePlans(minimal(FREE + PRO), 'plans.yml');
    expect([planById(defaults, 'free')?.protectContent, planById(defaults, 'pro')?.protectContent]).toEqual([false, true]);
    const chosen = parsePlans(minimal(FREE.replace(' }', ', protectContent: true }') + PRO.replace(' }', ', protectContent: false }')), 'plans.yml');
    expect([planById(chosen, 'free')?.protectContent, planById(chosen, 'pro')?.protectContent]).toEqual([true, false]);
    expect(errorsOf(minimal(FREE + PRO.replace(' }', ', protectContent: sometimes }')))).toEqual(['plans.yaml: plans[1].protectContent: expected a boolean']);
  });

  it('names the file and the path of a bad field', () => {
    const errors = errorsOf(minimal(FREE + PRO + '  - { id: vip, name: VIP, level: 20, stripePriceId: price_vip, priceCents: 100, delayMinutes: -5 }\n'));
    expect(errors).toEqual(['plans.yaml: plans[2].delayMinutes: expected a number >= 0']);
  });

  it('lists every problem at once, unknown fields by name', () => {
    const errors = errorsOf(minimal(
      '  - { id: free, name: Free, level: 0, stripePriceId: null, priceCents: 0, dailycap: 3 }\n' +
      '  - { id: Pro!, name: Pro, level: 10, stripePriceId: price_pro, priceCents: "49", interval: week }\n',
    ));
    expect(errors).toEqual(expect.arrayContaining([
      'plans.yaml: plans[0].dailycap: unknown field',
      expect.stringMatching(/^plans\.yaml: plans\[1\]\.id: expected a short lowercase id/),
      'plans.yaml: plans[1].priceCents: expected a number',
      'plans.yaml: plans[1].interval: expected one of "month", "year"',
    ]));
    expect(errors).toHaveLength(4);
  });

  it('says a required field is missing', () => {
    expect(errorsOf(minimal('  - { id: free, level: 0, stripePriceId: null, priceCents: 0 }\n'))).toEqual(['plans.yaml: plans[0].name: required: a string']);
  });

  it('requires exactly one free plan', () => {
    expect(errorsOf(minimal(PRO))).toEqual(['plans.yaml: plans: no free plan: exactly one plan must have stripePriceId: null']);
    const twoFree = errorsOf(minimal(FREE + '  - { id: basic, name: Basic, level: 5, stripePriceId: null, priceCents: 0 }\n'));
    expect(twoFree).toContain('plans.yaml: plans[1].stripePriceId: only one plan may be free (stripePriceId: null); plans[0] already is');
  });

  it('rejects duplicate ids, prices and levels, and a paid plan below the free one', () => {
    const errors = errorsOf(minimal(FREE + PRO + '  - { id: pro, name: Pro 2, level: 10, stripePriceId: price_pro, priceCents: 100 }\n' +
      '  - { id: cheap, name: Cheap, level: 0, stripePriceId: price_cheap, priceCents: 100 }\n'));
    expect(errors).toEqual(expect.arrayContaining([
      'plans.yaml: plans[2].id: duplicate id "pro" (also plans[1])',
      'plans.yaml: plans[2].stripePriceId: duplicate price "price_pro" (also plans[1])',
      "plans.yaml: plans[2].level: level 10 is also plans[1]'s; each plan needs its own level",
      "plans.yaml: plans[3].level: expected a level above the free plan's (0)",
    ]));
  });

  it('reports YAML and JSON syntax errors with the file name', () => {
    expect(errorsOf('plans: [\n  - id: free\n', 'bad.yaml')[0]).toMatch(/^bad\.yaml:\d+:\d+: not valid YAML/);
    expect(errorsOf('{ "plans": ', 'bad.json')[0]).toMatch(/^bad\.json: not valid JSON/);
    expect(errorsOf('plans: []', 'plans.toml')).toEqual(['plans.toml: expected a .yaml, .yml or .json file']);
    expect(errorsOf('- a\n- b\n')).toEqual(['plans.yaml: expected a document with "graceDays" and a list of "plans"']);
  });

  it('loadPlans throws plans_invalid naming the file; a missing file says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sc-plans-'));
    const bad = join(dir, 'plans.yaml');
    writeFileSync(bad, minimal(FREE + PRO.replace('4900', '-1')));
    expect(() => loadPlans(bad)).toThrow(expect.objectContaining({ code: 'plans_invalid', message: expect.stringContaining(`${bad}: plans[1].priceCents: expected a number >= 0`) }));
    expect(() => loadPlans(join(dir, 'nope.yaml'))).toThrow(/PLANS_FILE .*nope\.yaml: cannot read it \(no such file\)/);
  });

  it('describes each plan on one line for plans check', () => {
    const lines = describePlans(loadPlans(EXAMPLE));
    expect(lines[0]).toBe('free (Free, level 0): free; 15 min delay; 3 alerts/day; snapshot; direct messages; on every platform');
    expect(lines[1]).toContain('pro (Pro, level 10): $49.00/month; real-time; no daily cap; rationale');
    expect(lines.at(-2)).toBe('not delivered by this version, so not shown to subscribers: rationale, snapshot, API access');
    expect(lines.at(-1)).toBe('past_due grace period: 3 days');
    expect(readFileSync(EXAMPLE, 'utf8')).toContain('graceDays: 3');
  });
});
