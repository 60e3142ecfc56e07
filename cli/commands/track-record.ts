// `signalcast track-record [--window W] [--json]`: the track record by window, band, persona and plan, as GET /v1/track-record gives it.
import { narrowRecord, parseTrackWindow } from '../../core/track-record/compute';
import { trackRecordLines } from '../../core/track-record/format';
import { TRACK_WINDOWS, type TrackRecord, type TrackRecordSource } from '../../core/track-record/types';
import type { Clock } from '../../core/clock';
import type { CliIo } from '../io';

export interface TrackRecordDeps {
  source: Pick<TrackRecordSource, 'record'>;
  clock: Clock;
  io: CliIo;
}

/** Prints the record as of now (one window with `window`), as lines or as the route's JSON. */
export function trackRecordShow(deps: TrackRecordDeps, options: { window?: string; json?: boolean } = {}): TrackRecord {
  const window = options.window === undefined ? undefined : parseTrackWindow(options.window, '--window');
  const record = deps.source.record(deps.clock.now());
  if (options.json) {
    deps.io.out(JSON.stringify(narrowRecord(record, window)));
  } else {
    deps.io.out(`As of ${new Date(record.asOf).toISOString().replace(/\.\d{3}Z$/, 'Z')}.`);
    for (const line of trackRecordLines(record, { windows: window === undefined ? TRACK_WINDOWS : [window], details: true })) deps.io.out(line);
  }
  return record;
}
