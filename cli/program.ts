// The `signalcast` command line (commander): every command is a function of its dependencies.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { AccessReconcile } from '../core/access/reconciler';
import type { AuditLog } from '../core/audit';
import type { Clock } from '../core/clock';
import type { Config } from '../config';
import type { PlanLoadOptions } from '../core/plans';
import type { Db } from '../db/client';
import { createScrubber, secretValues } from '../logging';
import type { SignalPublisher } from '../server/routes/ingest';
import { billingReconcile, type BillingReconciler } from './commands/billing';
import { accessJobsList, accessJobsRetry, accessReconcile, type AccessJobAdmin } from './commands/access';
import { deliveriesDead, deliveriesRetry, type DeadLetterAdmin } from './commands/deliveries';
import { keysCreate, keysList, keysRevoke, type ApiKeyAdmin } from './commands/keys';
import { migrateDatabase } from './commands/migrate';
import { plansCheck } from './commands/plans';
import { schedulesList, schedulesRun, type ScheduleAdmin } from './commands/schedules';
import { signalPublish, type PublishFlags } from './commands/signal';
import { snapshotPreview, snapshotSend, type SnapshotAdmin } from './commands/snapshot';
import { signalUpdate, type UpdateFlags } from './commands/signal-update';
import { trackRecordShow } from './commands/track-record';
import { workspacesList, type WorkspaceAdmin } from './commands/workspaces';
import type { TrackRecordSource } from '../core/track-record/types';
import { CliError, EXIT, exitCodeOf, type CliIo, type ExitCode } from './io';

/** The stores the commands use, built on an open database. */
export interface CliContext {
  clock: Clock;
  apiKeys: ApiKeyAdmin;
  audit: AuditLog;
  signals: SignalPublisher;
  deliveries: DeadLetterAdmin;
  /** The chat apps this build has adapters for (app/adapters.ts), for --platform. */
  platforms?: readonly string[] | undefined;
  /** The access reconciler; absent or null when no platform with gated access is configured. */
  access?: AccessReconcile | null;
  /** The access jobs; absent or null when no platform with gated access is configured. */
  accessJobs?: AccessJobAdmin | null;
  /** Stripe billing; absent when STRIPE_SECRET_KEY is not set. */
  billing?: BillingReconciler | undefined;
  /** The workspaces the app is installed in (Slack), with their accounts, licences and channels. */
  workspaces?: WorkspaceAdmin | undefined;
  /** The daily snapshot: preview and send by hand. */
  snapshots?: SnapshotAdmin | undefined;
  /** The scheduled jobs these settings register, their runs in schedule_runs, and a guarded run of one. */
  schedules?: ScheduleAdmin | undefined;
  /** The track record (signals, their updates and which plans they reached). */
  trackRecord?: Pick<TrackRecordSource, 'record'> | undefined;
}

/** Everything the CLI needs from the outside; main.ts supplies the real ones, tests their own. */
export interface CliDeps {
  io: CliIo;
  /** Reads and validates the settings; throws config_invalid (exit 78). */
  loadConfig(): Config;
  openDatabase(config: Config, options: { migrate: boolean }): Db;
  /** Builds the stores on `db`. */
  createContext(config: Config, db: Db): CliContext;
  /** Closes what openDatabase opened. */
  closeDatabase(db: Db): void;
  /** Runs the service until SIGTERM/SIGINT. */
  start(config: Config): Promise<void>;
  /** How the plans file's access entries and older fields read in this build (app/adapters/plan-catalog.ts), for `plans check`. */
  plans?: PlanLoadOptions | undefined;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The schedules of a context; a context built without them (an older test's) cannot list any. */
function requireSchedules(ctx: CliContext): ScheduleAdmin {
  if (!ctx.schedules) throw new CliError('schedules: not available in this build', EXIT.failure);
  return ctx.schedules;
}

/** A context built without workspaces (an older test's) lists none. */
const NO_WORKSPACES: WorkspaceAdmin = { list: () => [] };

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;
}

/** The version in the project's package.json, as `signalcast --version` prints it. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** Builds a fresh program: commander keeps state, so one per run. */
export function buildProgram(deps: CliDeps, state: { config?: Config }): Command {
  const config = () => (state.config ??= deps.loadConfig());
  /** Opens the database (applying migrations), runs `fn` with the stores, and always closes it. */
  async function withContext<T>(fn: (ctx: CliContext, db: Db) => T | Promise<T>): Promise<T> {
    const cfg = config();
    const db = deps.openDatabase(cfg, { migrate: true });
    try {
      return await fn(deps.createContext(cfg, db), db);
    } finally {
      deps.closeDatabase(db);
    }
  }

  const program = new Command('signalcast')
    .description('Signalcast: sell and deliver trading signals inside chat apps.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.io.out(s.replace(/\n$/, '')),
      writeErr: (s) => deps.io.err(s.replace(/\n$/, '')),
    })
    .addHelpText('after', examples('signalcast start', 'signalcast keys create "quant engine"', 'signalcast signal publish --symbol BTCUSDT --market crypto --side long --conviction 0.82 --reason "Breakout on volume"'));

  program.command('start')
    .description('start the service: HTTP API, delivery engine and, without platform tokens, the sandbox')
    .addHelpText('after', examples('signalcast start', 'PORT=9090 LOG_FORMAT=json signalcast start'))
    .action(async () => deps.start(config()));

  program.command('migrate')
    .description('apply database migrations (start also does this)')
    .addHelpText('after', examples('DATABASE_URL=file:./data/signalcast.db signalcast migrate'))
    .action(() => {
      const db = deps.openDatabase(config(), { migrate: false });
      try {
        migrateDatabase({ db, io: deps.io });
      } finally {
        deps.closeDatabase(db);
      }
    });

  const keys = program.command('keys').description('API keys for the ingest API').addHelpText('after', examples('signalcast keys create "quant engine"', 'signalcast keys list', 'signalcast keys revoke sc_AbCd1234'));
  keys.command('create <name>').description('make a key; it is printed once and only its hash is stored')
    .addHelpText('after', examples('signalcast keys create "quant engine"'))
    .action((name: string) => withContext((ctx) => void keysCreate({ apiKeys: ctx.apiKeys, audit: ctx.audit, io: deps.io }, name)));
  keys.command('list').description('list keys (never the keys themselves)').option('--json', 'print JSON')
    .addHelpText('after', examples('signalcast keys list', 'signalcast keys list --json'))
    .action((opts: { json?: boolean }) => withContext((ctx) => void keysList({ apiKeys: ctx.apiKeys, io: deps.io }, opts)));
  keys.command('revoke <id>').description('revoke a key by its id or its prefix')
    .addHelpText('after', examples('signalcast keys revoke key_0mhc2x4ab000f3a9c1d2e4b5a6978', 'signalcast keys revoke sc_AbCd1234'))
    .action((id: string) => withContext((ctx) => void keysRevoke({ apiKeys: ctx.apiKeys, audit: ctx.audit, io: deps.io }, id)));

  const signal = program.command('signal').description('signals')
    .addHelpText('after', examples('signalcast signal publish --symbol BTCUSDT --market crypto --side long --conviction 0.82 --reason "Breakout"', 'signalcast signal publish --file signal.json'));
  signal.command('publish').description('publish a signal (stored once per publisher id, then planned for delivery)')
    .option('--file <path>', 'read the signal from a JSON file (the same body as POST /v1/signals)')
    .option('--publisher-id <id>', 'your id for this signal: publishing it twice creates nothing new (default: a new random id)')
    .option('--symbol <symbol>', 'ticker, e.g. BTCUSDT')
    .option('--market <market>', 'market, e.g. crypto, us-equities')
    .addOption(new Option('--side <side>', 'direction').choices(['long', 'short', 'close']))
    .option('--conviction <0..1>', 'conviction score from 0 to 1')
    .option('--reason <text>', 'a short reason (repeat for several)', collect, [])
    .option('--persona <name>', 'the analyst persona')
    .option('--entry <price>', 'entry price')
    .option('--stop <price>', 'stop price')
    .option('--target <price>', 'a target price (repeat for several)', collect, [])
    .option('--horizon <text>', 'time horizon, e.g. 1d, swing')
    .addHelpText('after', examples(
      'signalcast signal publish --publisher-id sig-42 --symbol BTCUSDT --market crypto --side long --conviction 0.82 \\\n      --reason "Breakout above range" --reason "Funding reset" --entry 64000 --stop 62500 --target 67000 --target 70000 --horizon 3d',
      'signalcast signal publish --file signal.json',
    ))
    .action((flags: PublishFlags) => withContext(async (ctx) => void (await signalPublish({ signals: ctx.signals, io: deps.io }, flags))));
  signal.command('update').description('record an update of a signal (target hit, stopped, closed) and plan it for everyone who got its alert')
    .argument('<signal>', 'the signal\'s id (sig_...), or its publisher id with --by-publisher-id')
    .addOption(new Option('--kind <kind>', 'what happened').choices(['target_hit', 'stopped', 'closed']).makeOptionMandatory())
    .option('--by-publisher-id', 'the signal is named by the id its publisher gave it')
    .option('--target-index <n>', 'which target was hit (1-based), for target_hit')
    .option('--price <price>', 'the price it happened at')
    .option('--result-pct <pct>', 'the result in percent (required for closed)')
    .option('--note <text>', 'a short note shown with the update')
    .option('--update-id <id>', 'your id for this update: recording it twice creates and sends nothing new')
    .addHelpText('after', examples(
      'signalcast signal update sig_0mhc2x4ab000f3a9c1d2e4b5a6978 --kind target_hit --target-index 1 --price 67000',
      'signalcast signal update sig-42 --by-publisher-id --kind closed --result-pct 3.5 --update-id sig-42-close',
    ))
    .action((id: string, flags: UpdateFlags) => withContext(async (ctx) => void (await signalUpdate({ signals: ctx.signals, io: deps.io }, id, flags))));

  const deliveries = program.command('deliveries').description('the delivery outbox')
    .addHelpText('after', examples('signalcast deliveries dead', 'signalcast deliveries retry --all'));
  deliveries.command('dead').description('list dead deliveries (out of attempts)')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--platform <name>', 'only this platform')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('signalcast deliveries dead', 'signalcast deliveries dead --platform telegram --limit 20'))
    .action((opts: { limit?: string; platform?: string; json?: boolean }) => withContext(async (ctx) => void (await deliveriesDead({ deliveries: ctx.deliveries, io: deps.io, platforms: ctx.platforms }, opts))));
  deliveries.command('retry [ids...]').description('queue dead deliveries again, due now')
    .option('--all', 'every dead delivery')
    .addHelpText('after', examples('signalcast deliveries retry 17 18', 'signalcast deliveries retry --all'))
    .action((ids: string[], opts: { all?: boolean }) => withContext(async (ctx) => void (await deliveriesRetry({ deliveries: ctx.deliveries, clock: ctx.clock, io: deps.io }, ids, opts))));

  const access = program.command('access').description('gated access: private channels and roles that follow the subscriptions')
    .addHelpText('after', examples('signalcast access reconcile --dry-run', 'signalcast access reconcile', 'signalcast access jobs --dead', 'signalcast access retry --all'));
  access.command('reconcile').description('grant access where it is missing and revoke it where the subscription no longer gives it')
    .option('--dry-run', 'print the actions without doing anything')
    .option('--account <id>', 'only this account')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('signalcast access reconcile --dry-run', 'signalcast access reconcile --account acc_0mhc2x4ab000f3a9c1d2e4b5a6978'))
    .action((opts: { dryRun?: boolean; account?: string; json?: boolean }) => withContext(async (ctx) => void (await accessReconcile({ access: ctx.access ?? null, io: deps.io }, opts))));
  access.command('jobs').description('list access jobs waiting, retrying or dead (access changes carried out by the running service)')
    .option('--dead', 'only dead jobs (out of attempts)')
    .option('--all', 'every job, done ones too')
    .option('--limit <n>', 'at most this many (default 50)')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('signalcast access jobs', 'signalcast access jobs --dead --json'))
    .action((opts: { dead?: boolean; all?: boolean; limit?: string; json?: boolean }) => withContext(async (ctx) => void (await accessJobsList({ jobs: ctx.accessJobs ?? null, clock: ctx.clock, io: deps.io }, opts))));
  access.command('retry [ids...]').description('queue dead access jobs again, due now')
    .option('--all', 'every dead access job')
    .addHelpText('after', examples('signalcast access retry ajb_0mhc2x4ab000f3a9c1d2e4b5a6978', 'signalcast access retry --all'))
    .action((ids: string[], opts: { all?: boolean }) => withContext(async (ctx) => void (await accessJobsRetry({ jobs: ctx.accessJobs ?? null, clock: ctx.clock, io: deps.io }, ids, opts))));

  const plans = program.command('plans').description('the plans file')
    .addHelpText('after', examples('signalcast plans check plans.example.yaml'));
  plans.command('check [file]').description('validate a plans file (default: PLANS_FILE, else the built-in plans) and describe it')
    .addHelpText('after', examples('signalcast plans check plans.example.yaml', 'PLANS_FILE=plans.yaml signalcast plans check'))
    .action((file: string | undefined) => plansCheck({ io: deps.io, plansFile: file === undefined ? config().plansFile : undefined, planOptions: deps.plans }, file));

  const workspaces = program.command('workspaces').description('workspaces the app is installed in (Slack): their account, licence and channels')
    .addHelpText('after', examples('signalcast workspaces list', 'signalcast workspaces list --platform slack --json'));
  workspaces.command('list').description('each workspace: platform, tenant, name, installed or revoked, account id (to grant a plan to), licence and channels; never a token')
    .option('--platform <name>', 'only this chat app').option('--json', 'print JSON')
    .addHelpText('after', examples('signalcast workspaces list'))
    .action((opts: { platform?: string; json?: boolean }) => withContext((ctx) => void workspacesList({ workspaces: ctx.workspaces ?? NO_WORKSPACES, io: deps.io }, opts)));

  const snapshot = program.command('snapshot').description('the daily snapshot (the day in OPERATOR_TIME_ZONE)')
    .addHelpText('after', examples('signalcast snapshot preview --out ./out', 'signalcast snapshot send --date 2026-12-06'));
  snapshot.command('preview').description('write the day\'s snapshot to snapshot-<day>.txt and snapshot-<day>.png, and print their paths')
    .option('--date <YYYY-MM-DD>', 'the day (default: today)').option('--out <dir>', 'where to write the files (default: here)')
    .addHelpText('after', examples('signalcast snapshot preview', 'signalcast snapshot preview --date 2026-12-06 --out ./out'))
    .action((opts: { date?: string; out?: string }) => withContext((ctx) => void snapshotPreview({ snapshots: ctx.snapshots, io: deps.io }, opts)));
  snapshot.command('send').description('keep the day\'s snapshot and plan it once per destination (a second send plans nothing new); the running service sends it')
    .option('--date <YYYY-MM-DD>', 'the day (default: today)')
    .addHelpText('after', examples('signalcast snapshot send', 'signalcast snapshot send --date 2026-12-06'))
    .action((opts: { date?: string }) => withContext(async (ctx) => void (await snapshotSend({ snapshots: ctx.snapshots, io: deps.io }, opts))));
  const schedules = program.command('schedules').description('the scheduled jobs: snapshot, reconciles, dead-letter report, trial reminders, pruning')
    .addHelpText('after', examples('signalcast schedules list', 'signalcast schedules run prune-deliveries'));
  schedules.command('list').description('each job: its schedule (in OPERATOR_TIME_ZONE), last run, duration, outcome and error')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('signalcast schedules list', 'signalcast schedules list --json'))
    .action((opts: { json?: boolean }) => withContext((ctx) => void schedulesList({ schedules: requireSchedules(ctx), io: deps.io }, opts)));
  schedules.command('run <job>').description('run one job now, through the same guard as the service (skipped while a run holds it)')
    .addHelpText('after', examples('signalcast schedules run dead-letter-report', 'signalcast schedules run prune-deliveries'))
    .action((job: string) => withContext(async (ctx) => void (await schedulesRun({ schedules: requireSchedules(ctx), io: deps.io }, job))));
  program.command('track-record').description('the track record: each window (7d, 30d, 90d, all) overall, by band, persona and plan')
    .option('--window <window>', 'only this window: 7d, 30d, 90d or all')
    .option('--json', 'print JSON (what GET /v1/track-record answers)')
    .addHelpText('after', examples('signalcast track-record', 'signalcast track-record --window 30d --json'))
    .action((opts: { window?: string; json?: boolean }) => withContext((ctx) => {
      if (!ctx.trackRecord) throw new CliError('the track record is not available in this build', EXIT.failure);
      void trackRecordShow({ source: ctx.trackRecord, clock: ctx.clock, io: deps.io }, opts);
    }));

  const billing = program.command('billing').description('Stripe billing')
    .addHelpText('after', examples('signalcast billing reconcile --dry-run', 'signalcast billing reconcile'));
  billing.command('reconcile').description("compare Stripe's subscriptions with the local mirror and repair drift (a missed webhook)")
    .option('--dry-run', 'print what would change, change nothing')
    .option('--json', 'print JSON')
    .addHelpText('after', examples('signalcast billing reconcile --dry-run', 'signalcast billing reconcile --json'))
    .action((opts: { dryRun?: boolean; json?: boolean }) => withContext(async (ctx) => void (await billingReconcile({ billing: ctx.billing, io: deps.io }, opts))));

  return program;
}

/** Runs one command line (without "node main.ts") and returns the exit code; never throws. */
export async function runCli(args: string[], deps: CliDeps): Promise<ExitCode> {
  const state: { config?: Config } = {};
  const program = buildProgram(deps, state);
  try {
    if (args.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const scrub = createScrubber(state.config ? secretValues(state.config) : []);
    const debug = state.config?.log.level === 'debug' || state.config?.log.level === 'trace';
    const message = err instanceof Error ? err.message : String(err);
    deps.io.err(scrub(`error: ${message}`));
    if (debug && err instanceof Error && err.stack) deps.io.err(scrub(err.stack));
    return exitCodeOf(err);
  }
}
