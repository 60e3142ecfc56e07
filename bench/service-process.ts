// Runs the real service (`main.ts start`) as a child process and reads its JSON log: for the crash test and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line the service logged (LOG_FORMAT=json). */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Where the HTTP server listens, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  /** Every log line so far, in order. */
  readonly lines: LogLine[];
  /** Everything written to stderr so far. */
  readonly stderr: string[];
  /** The first line (already logged or still to come) that matches; rejects when the process ends first or after `timeoutMs`. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves when the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident set size now and at its peak (VmRSS, VmHWM), in bytes; undefined where /proc is missing. */
  memory(): { rss: number; peakRss: number } | undefined;
  /** CPU time used so far (user + system), in ms; undefined where /proc is missing. */
  cpuMs(): number | undefined;
}

export interface SpawnServiceOptions {
  /** Settings for config.ts; LOG_FORMAT=json, HOST=127.0.0.1, PORT=0 and RATIONALES=off unless given. */
  env: Record<string, string>;
  /** Working directory; a fresh temporary one by default (so no stray .env is read). */
  cwd?: string;
  /** How long to wait for "Signalcast listening". Default 30 s. */
  startTimeoutMs?: number;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile the service. */
  nodeArgs?: string[] | undefined;
  /** What node runs, before `start`: by default the tsx loader and main.ts; a compiled build's entry file instead. */
  entry?: string[] | undefined;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'main.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

/**
 * Starts `node --import tsx main.ts start` (npm start without npm and the tsx
 * wrapper: one process, the quickest to start) and resolves once it listens.
 * Only the settings given are passed on, plus PATH and HOME.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'sc-service-'));
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...(options.entry ?? ['--import', TSX, MAIN]), 'start'], {
    cwd,
    // Rationales off unless a scenario turns them on (bench/rationale.ts): the others measure alerts.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LOG_FORMAT: 'json', HOST: '127.0.0.1', PORT: '0', RATIONALES: 'off', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const stderr: string[] = [];
  const waiters = new Set<{ match: (l: LogLine) => boolean; resolve: (l: LogLine) => void; reject: (e: Error) => void }>();
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      let line: LogLine;
      try {
        line = JSON.parse(part) as LogLine;
      } catch {
        line = { msg: part, unparsed: true };
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.match(line)) continue;
        waiters.delete(w);
        w.resolve(line);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.on('exit', (code, signal) => {
      ended = true;
      for (const w of [...waiters]) w.reject(new Error(`the service ended (code ${code}, signal ${signal}) first; stderr: ${stderr.join('').slice(-2000)}`));
      waiters.clear();
      done({ code, signal });
    });
  });

  const waitFor = (match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> => {
    const found = lines.find(match);
    if (found) return Promise.resolve(found);
    if (ended) return Promise.reject(new Error(`the service has ended; stderr: ${stderr.join('').slice(-2000)}`));
    return new Promise((resolveLine, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching log line from the service within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (l: LogLine) => {
          clearTimeout(timer);
          resolveLine(l);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      waiters.add(waiter);
    });
  };

  const pid = child.pid as number;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!ended) child.kill(signal);
    return exited;
  };
  let listening: LogLine;
  try {
    listening = await waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('Signalcast listening on'), options.startTimeoutMs ?? 30_000);
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
  return {
    child,
    pid,
    url: String(listening.url),
    lines,
    stderr,
    waitFor,
    exited,
    stop,
    memory: () => readMemory(pid),
    cpuMs: () => readCpuMs(pid),
  };
}

/** VmRSS and VmHWM of a live process, from /proc (Linux). */
export function readMemory(pid: number): { rss: number; peakRss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    const rss = kb('VmRSS');
    const peakRss = kb('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(peakRss) ? { rss, peakRss } : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a live process in ms, from /proc/<pid>/stat (Linux, 100 ticks a second). */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
