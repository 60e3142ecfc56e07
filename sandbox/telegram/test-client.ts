// A raw Bot API caller for tests: the exact status and JSON the emulator answers, no client
// library in between. Bodies are sent as JSON unless a FormData is given.
import { crc32, deflateSync } from 'node:zlib';

export interface RawAnswer<T = unknown> {
  status: number;
  body: { ok: boolean; result?: T; error_code?: number; description?: string; parameters?: { retry_after?: number } };
}

export type RawCall = <T = unknown>(method: string, params?: Record<string, unknown> | FormData, init?: { signal?: AbortSignal }) => Promise<RawAnswer<T>>;

/** A caller bound to an emulator's apiRoot and token (or another token, to test refusals). */
export function rawClient(target: { apiRoot: string; token: string }): RawCall {
  return async <T>(method: string, params: Record<string, unknown> | FormData = {}, init: { signal?: AbortSignal } = {}): Promise<RawAnswer<T>> => {
    const isForm = params instanceof FormData;
    const res = await fetch(`${target.apiRoot}/bot${target.token}/${method}`, {
      method: 'POST',
      headers: isForm ? {} : { 'content-type': 'application/json' },
      body: isForm ? params : JSON.stringify(params),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    return { status: res.status, body: (await res.json()) as RawAnswer<T>['body'] };
  };
}

/** The result of a call that must succeed; throws with Telegram's description otherwise. */
export async function ok<T>(answer: Promise<RawAnswer<T>>): Promise<T> {
  const { status, body } = await answer;
  if (!body.ok) throw new Error(`expected ok, got ${status} ${body.description}`);
  return body.result as T;
}

/** A real, all-black RGB PNG of the given size, for photo uploads. */
export function tinyPng(width = 2, height = 1): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Waits, turn by turn of the event loop, until `condition` holds (an event, not a duration). */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
