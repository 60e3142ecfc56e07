// How benchmark results look: figures with targets, a readable table, and one JSON line with every figure.
import { cpus, loadavg } from 'node:os';

/** One measured figure, with its target when it has one. */
export interface Figure {
  name: string;
  value: number | string | null;
  unit?: string;
  /** Shown as written, e.g. ">= 95%" or "< 50 ms". */
  target?: string;
  /** Whether the target was met; absent for figures without a target. */
  ok?: boolean;
}

/** What a scenario reports: its figures, how it was run, and every raw number for the JSON line. */
export interface ScenarioResult {
  scenario: string;
  title: string;
  /** How it ran: processes, limits, what talks to what. */
  setup: string;
  figures: Figure[];
  /** Raw numbers for the JSON line (keys in camelCase). */
  data: Record<string, unknown>;
  /** Set when the scenario could not run; the reason is shown instead of figures. */
  pending?: string;
  /** Notes worth reading next to the figures. */
  notes?: string[];
}

export interface TimedResult extends ScenarioResult {
  elapsedMs: number;
  /** 1-minute load average before and after: above the core count, other work competed. */
  load: { before: number; after: number };
}

function cell(f: Figure): string {
  if (f.value === null) return 'n/a';
  return `${typeof f.value === 'number' ? f.value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : f.value}${f.unit ? ` ${f.unit}` : ''}`;
}

/** The readable table. */
export function renderTable(results: readonly TimedResult[]): string {
  const out: string[] = [];
  const cores = cpus().length;
  for (const r of results) {
    const noisy = r.load.before > cores || r.load.after > cores ? `  (load ${r.load.before} -> ${r.load.after} on ${cores} cores: noisy)` : `  (load ${r.load.before} -> ${r.load.after})`;
    out.push('', `== ${r.title} [${r.scenario}] ${Math.round(r.elapsedMs / 100) / 10} s${noisy}`, `   ${r.setup}`);
    if (r.pending) {
      out.push(`   PENDING: ${r.pending}`);
      continue;
    }
    const nameWidth = Math.max(...r.figures.map((f) => f.name.length));
    const valueWidth = Math.max(...r.figures.map((f) => cell(f).length));
    for (const f of r.figures) {
      const verdict = f.ok === undefined ? '' : f.ok ? 'ok' : 'MISSED';
      const target = f.target ? `target ${f.target}` : '';
      out.push(`   ${f.name.padEnd(nameWidth)}  ${cell(f).padStart(valueWidth)}  ${target.padEnd(18)} ${verdict}`.trimEnd());
    }
    for (const note of r.notes ?? []) out.push(`   note: ${note}`);
  }
  return out.join('\n');
}

/** The one JSON line: every figure of every scenario, plus the machine. */
export function renderJson(results: readonly TimedResult[], startedAt: Date): string {
  const scenarios: Record<string, unknown> = {};
  for (const r of results) {
    scenarios[r.scenario] = r.pending
      ? { pending: r.pending, elapsedMs: r.elapsedMs, load: r.load }
      : {
          ...r.data,
          targets: Object.fromEntries(r.figures.filter((f) => f.ok !== undefined).map((f) => [f.name, { value: f.value, target: f.target, ok: f.ok }])),
          elapsedMs: r.elapsedMs,
          load: r.load,
        };
  }
  return JSON.stringify({
    bench: 'signalcast',
    startedAt: startedAt.toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAvg: loadavg().map((l) => Math.round(l * 100) / 100),
    scenarios,
  });
}
