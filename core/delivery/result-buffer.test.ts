import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger';
import type { DeliveryResult } from './ports';
import { ResultBuffer } from './result-buffer';

const sent = (id: number): DeliveryResult => ({ type: 'sent', id, at: 0, platformMessageId: String(id) });

describe('ResultBuffer', () => {
  let written: number[][];
  let flushed: number[][];
  let failNext: boolean;
  let buffer: ResultBuffer;

  beforeEach(() => {
    vi.useFakeTimers();
    written = [];
    flushed = [];
    failNext = false;
    buffer = new ResultBuffer({
      store: {
        recordResults: (batch) => {
          if (failNext) {
            failNext = false;
            throw new Error('disk full');
          }
          written.push(batch.map((r) => r.id));
        },
      },
      logger: silentLogger,
      intervalMs: 20,
      maxResults: 3,
      onFlushed: (batch) => flushed.push(batch.map((r) => r.id)),
    });
  });
  afterEach(() => vi.useRealTimers());

  it('writes the results of one interval in a single batch', async () => {
    buffer.push(sent(1));
    buffer.push(sent(2));
    await vi.advanceTimersByTimeAsync(19);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(written).toEqual([[1, 2]]);
    expect(flushed).toEqual([[1, 2]]);
    expect(buffer.drained).toBe(true);
  });

  it('writes without waiting for the interval once a batch is full', async () => {
    [1, 2].forEach((id) => buffer.push(sent(id)));
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual([]);
    buffer.push(sent(3));
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual([[1, 2, 3]]);
  });

  it('keeps a batch that failed to commit and writes it later', async () => {
    failNext = true;
    buffer.push(sent(1));
    await buffer.flush();
    expect(written).toEqual([]);
    expect(buffer.size).toBe(1);
    buffer.push(sent(2));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([[1, 2]]);
  });

  it('hands the waiting results to another write so they share its transaction', async () => {
    buffer.push(sent(1));
    const got = await buffer.commitWith((batch) => batch.map((r) => r.id * 10));
    expect(got).toEqual([10]);
    expect(flushed).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(written).toEqual([]);
  });

  it('passes a failed shared write on and keeps its results', async () => {
    buffer.push(sent(1));
    await expect(buffer.commitWith(() => {
      throw new Error('busy');
    })).rejects.toThrow('busy');
    expect(buffer.size).toBe(1);
    await buffer.flush();
    expect(written).toEqual([[1]]);
  });
});
