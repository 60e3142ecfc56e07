// Where CLI commands write, and the exit codes they end with.
import { SignalcastError, ValidationError } from '../core/errors';

/** Standard output and standard error, one line per call; tests pass a capture. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const EXIT = {
  ok: 0,
  /** Something failed while running (database, network, a store error). */
  failure: 1,
  /** Bad usage (unknown command or flag) or invalid input (a bad signal, an unknown id). */
  usage: 2,
  /** Invalid settings or plans file (EX_CONFIG from sysexits.h). */
  config: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure a command reports itself, with the exit code it means. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode = EXIT.failure) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code an error means. */
export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ValidationError) return EXIT.usage;
  if (err instanceof SignalcastError) {
    if (err.code === 'config_invalid' || err.code === 'plans_invalid') return EXIT.config;
    if (err.code === 'validation_failed' || err.code === 'conflict') return EXIT.usage;
  }
  return EXIT.failure;
}

/** A capture for tests: everything written, by stream. */
export function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

/** Pads columns so a list reads as a table. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
