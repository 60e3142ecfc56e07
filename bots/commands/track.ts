// /track (and /record): the track record over the last 30 days and all time, by band; anyone may run it, anywhere.
import type { Reply } from '../../core/inbound/types';
import { trackRecordLines } from '../../core/track-record/format';
import type { CommandCall } from './deps';

/** The windows a chat answer shows: the rest is in the API and the CLI. */
const CHAT_WINDOWS = ['30d', 'all'] as const;

export async function track(call: CommandCall): Promise<Reply[]> {
  const source = call.deps.track;
  if (!source) return [{ text: 'The track record is not available here yet.' }];
  const record = source.record(call.now);
  return [{ text: trackRecordLines(record, { windows: CHAT_WINDOWS }).join('\n') }];
}
