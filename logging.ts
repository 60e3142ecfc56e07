// The process logger (pino): pretty in a terminal, JSON otherwise, and never a token, key or secret.
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { createRequire } from 'node:module';
import type { PinoPretty as PinoPrettyFactory } from 'pino-pretty';
import type { Config } from './config';
import { createScrubber } from './core/scrub';

export { createScrubber };

export type { PinoLogger };

/** Field names whose values are dropped from every log line, wherever they appear (two levels deep). */
const SECRET_FIELDS = [
  'authorization', 'cookie', 'token', 'botToken', 'apiKey', 'secret', 'secretKey', 'signingSecret', 'webhookSecret',
  'adminToken', 'password', 'signature',
];
const SECRET_HEADERS = ['authorization', 'x-signalcast-signature', 'cookie', 'stripe-signature', 'x-slack-signature'];

export const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
  ...SECRET_HEADERS.flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
];

/** Every secret value in the settings, for the scrubber (config.ts knows which they are). */
export { secretValues } from './config';

export interface LoggingOptions {
  level: Config['log']['level'];
  format: Config['log']['format'];
  /** Secret values to scrub from every line (see secretValues). */
  secrets?: readonly string[];
  /** Where lines go; standard output by default. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Whether output is a terminal, for format "auto"; process.stdout.isTTY by default. */
  isTty?: boolean;
}

/** Whether a given format setting means pretty output. */
export function usesPretty(format: LoggingOptions['format'], isTty: boolean): boolean {
  return format === 'pretty' || (format === 'auto' && isTty);
}

/**
 * pino appends a child's bindings to its parent's, so `logger.child({ component: 'a' }).child({
 * component: 'b' })` would write "component" twice in one line. Called for every new child: a key
 * bound again replaces the parent's value (JSON.parse keeps the last value, at the first position).
 */
function replaceRepeatedBindings(child: PinoLogger): void {
  const holder = child as unknown as Record<symbol, string>;
  const chindings = holder[pino.symbols.chindingsSym];
  if (!chindings) return;
  const bound = JSON.parse(`{${chindings.slice(1)}}`) as Record<string, unknown>;
  const rebuilt = JSON.stringify(bound).slice(1, -1);
  if (rebuilt.length + 1 < chindings.length) holder[pino.symbols.chindingsSym] = `,${rebuilt}`;
}

/**
 * pino-pretty, loaded only for pretty output (a terminal, LOG_FORMAT=pretty): a service logging JSON (the image) never
 * carries it. It is CommonJS, so a synchronous require keeps createLogger synchronous.
 */
function prettyStream(): typeof PinoPrettyFactory {
  return (createRequire(import.meta.url)('pino-pretty') as { PinoPretty: typeof PinoPrettyFactory }).PinoPretty;
}

export function createLogger(options: LoggingOptions): PinoLogger {
  const isTty = options.isTty ?? Boolean(process.stdout.isTTY);
  const scrub = createScrubber(options.secrets ?? []);
  const destination = usesPretty(options.format, isTty)
    ? prettyStream()({
      destination: options.destination ?? 1,
      sync: true,
      colorize: isTty && !options.destination,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    })
    : options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino({
    level: options.level,
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    // Runs on the finished JSON line, so a secret inside an error message or a URL is caught too.
    hooks: { streamWrite: scrub },
    onChild: replaceRepeatedBindings,
  }, destination as DestinationStream);
}
