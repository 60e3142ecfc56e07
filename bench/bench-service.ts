// The service as the benchmark runs it: `main.ts start` in a child process, its Telegram and Stripe in another.
import { startEmulatorsProcess, type EmulatorsProcess, type EmulatorsStart } from './emulators-process';
import { spawnService, type ServiceProcess } from './service-process';
import { BENCH_SECRET } from './support';

export interface BenchService {
  service: ServiceProcess;
  emulators: EmulatorsProcess;
  /** SIGTERM to the service (it finishes its sends), then the emulators stop. */
  stop(): Promise<void>;
}

export interface BenchServiceOptions {
  databaseUrl: string;
  /** Further settings (TESTCHAT_*, rates, ...). */
  env?: Record<string, string>;
  nodeArgs?: string[] | undefined;
  /** Node arguments that run main instead of tsx + main.ts (a compiled build). */
  entry?: string[] | undefined;
  emulators?: Omit<EmulatorsStart, 'type'>;
  /** Telegram users who have started the bot (the seeded Telegram subscribers). */
  telegramUsers?: number[];
  /** Runs once the emulators are up and before the service starts (people join a server, the database is seeded with their ids). */
  prepare?: (emulators: EmulatorsProcess) => Promise<void>;
}

/**
 * Production-like: with a bot token and a Stripe key set, main.ts starts no
 * sandbox emulator in the service's own process; the tokens point at the
 * emulators child instead. Signed ingest with BENCH_SECRET.
 */
export async function startBenchService(options: BenchServiceOptions): Promise<BenchService> {
  const emulators = await startEmulatorsProcess(options.emulators);
  try {
    if (options.telegramUsers?.length) await emulators.addTelegramUsers(options.telegramUsers);
    await options.prepare?.(emulators);
    const service = await spawnService({
      nodeArgs: options.nodeArgs,
      entry: options.entry,
      env: { DATABASE_URL: options.databaseUrl, INGEST_SIGNING_SECRET: BENCH_SECRET, ...emulators.serviceEnv, ...options.env },
    });
    return {
      service,
      emulators,
      stop: async () => {
        await service.stop('SIGTERM');
        await emulators.stop();
      },
    };
  } catch (err) {
    await emulators.stop();
    throw err;
  }
}

/** How the service ran, for the scenarios' setup line. */
export function serviceLabel(entry: string[] | undefined): string {
  const command = entry ? `node ${entry.join(' ')} start` : 'tsx main.ts start';
  return `service child process (${command}; its chat bot and Stripe client point at emulators in another child process)`;
}
