// `npm run bench [-- scenario ...] [--profile-dir=DIR] [--service-entry=FILE|tsx] [--scale-subscribers=N,N,...] [--discord-channels=N --discord-dms=N --discord-payments=N] [--slack-workspaces=N] [--rationale-subscribers=N] [--load-seconds=N --load-subscribers=N]`: runs the scenarios one after another, prints a table and, last, one JSON line.
import { join, resolve } from 'node:path';
import { runDiscordFanout } from './discord';
import { runDiscordRoles } from './discord-roles';
import { runFanout } from './fanout';
import { runLatency } from './latency';
import { runLatencyFree } from './latency-free';
import { runLoad } from './load';
import { runRationale } from './rationale';
import { renderJson, renderTable, type ScenarioResult, type TimedResult } from './report';
import { runScale } from './scale';
import { runSlackFanout } from './slack';
import { runSnapshotBench } from './snapshot';
import { load1 } from './support';
import { runTelegram } from './telegram';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
// --profile-dir=DIR writes a V8 CPU profile of each service child process there (open it in Chrome DevTools).
const profileDir = flag('profile-dir');
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined;
// The service runs as production runs it: the compiled build (dist/main.js, built first when missing or stale).
// --service-entry=tsx runs main.ts through tsx instead; --service-entry=FILE another build's entry (node FILE start).
const serviceEntry = flag('service-entry');
const entry = serviceEntry === 'tsx' ? undefined : [resolve(serviceEntry ?? await compiledEntry())];
const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// --discord-channels=N, --discord-dms=N, --discord-payments=N: the Discord runs' sizes. Named on the
// command line they run the 500, 5,000 and 200 (about 10 minutes); in a run of every scenario, a tenth.
const count = (name: string, whole: number): number => Number(flag(name) ?? (asked.length > 0 ? whole : whole / 10));
const discordCounts = { channels: count('discord-channels', 500), dms: count('discord-dms', 5_000) };
const discordPayments = count('discord-payments', 200);
// --slack-workspaces=N: the Slack run's workspaces (half of them with two channels): the 200 when named, a tenth in a run of every scenario.
const slackWorkspaces = count('slack-workspaces', 200);
// --load-seconds=N --load-subscribers=N: the load scenario's publishing time per rate (30 s) and paid Telegram DM subscribers (10,000).
const loadOptions = {
  ...(flag('load-seconds') ? { seconds: Number(flag('load-seconds')) } : {}),
  ...(flag('load-subscribers') ? { subscribers: Number(flag('load-subscribers')) } : {}),
};
// --rationale-subscribers=N: the Telegram DMs each of the rationale burst's 100 signals goes to (50 unless given).
const rationaleSubscribers = Number(flag('rationale-subscribers') ?? 50);
// --scale-subscribers=N,N,...: the scale scenario's sizes (10,000, 100,000 and 300,000 unless given).
const scaleSizes = flag('scale-subscribers')?.split(',').map(Number);

/** dist/main.js, built first when missing or older than the sources (bin/build.js). */
async function compiledEntry(): Promise<string> {
  // @ts-expect-error: bin/build.js is plain JavaScript without types.
  const { buildDist, isStale, DIST } = (await import('../bin/build.js')) as { buildDist(): Promise<void>; isStale(): boolean; DIST: string };
  if (isStale()) {
    process.stderr.write('building dist/ for the service processes...\n');
    await buildDist();
  }
  return join(DIST, 'main.js');
}

const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {
  discord: () => runDiscordFanout({ nodeArgs, entry, ...discordCounts }),
  'discord-roles': () => runDiscordRoles({ nodeArgs, entry, payments: discordPayments }),
  fanout: () => runFanout({ nodeArgs, entry }),
  latency: () => runLatency({ nodeArgs, entry }),
  'latency-free': () => runLatencyFree({ nodeArgs, entry }),
  load: () => runLoad({ nodeArgs, entry, ...loadOptions }),
  rationale: () => runRationale({ nodeArgs, entry, subscribers: rationaleSubscribers }),
  scale: () => runScale({ nodeArgs, entry, ...(scaleSizes ? { sizes: scaleSizes } : {}) }),
  slack: () => runSlackFanout({ nodeArgs, entry, workspaces: slackWorkspaces }),
  snapshot: () => runSnapshotBench(),
  telegram: () => runTelegram({ nodeArgs, entry }),
};

async function timed(name: string, run: () => Promise<ScenarioResult>): Promise<TimedResult> {
  const before = load1();
  const started = Date.now();
  let result: ScenarioResult;
  try {
    result = await run();
  } catch (err) {
    result = { scenario: name, title: name, setup: '', figures: [], data: {}, pending: `failed: ${(err as Error).stack ?? String(err)}` };
  }
  return { ...result, elapsedMs: Date.now() - started, load: { before, after: load1() } };
}

const unknown = asked.filter((a) => !(a in SCENARIOS));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario: ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}\n`);
  process.exit(2);
}
const startedAt = new Date();
const results: TimedResult[] = [];
for (const name of asked.length > 0 ? asked : Object.keys(SCENARIOS)) {
  process.stderr.write(`running ${name}...\n`);
  results.push(await timed(name, SCENARIOS[name] as () => Promise<ScenarioResult>));
}
process.stdout.write(`${renderTable(results)}\n\n`);
process.stdout.write(`${renderJson(results, startedAt)}\n`);
process.exit(results.some((r) => r.pending?.startsWith('failed')) ? 1 : 0);
