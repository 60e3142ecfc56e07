// A Logger for tests that keeps every call, so a test can assert what was logged.
import type { Logger } from '../logger';

/** One logged call: its level, its fields (with the child bindings) and its message. */
export interface LogRecord {
  level: string;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

/** A Logger that appends every call to `records`; children share the list and add their bindings. */
export function recordingLogger(records: LogRecord[] = [], bindings: Record<string, unknown> = {}): Logger & { records: LogRecord[] } {
  const at = (level: string) => (objOrMsg: object | string, msg?: string) => {
    if (typeof objOrMsg === 'string') records.push({ level, obj: { ...bindings }, msg: objOrMsg });
    else records.push({ level, obj: { ...bindings, ...(objOrMsg as Record<string, unknown>) }, msg });
  };
  return {
    records,
    trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal'),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}
