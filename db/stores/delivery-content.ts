// The dispatcher's content resolver on SQLite: the content registry with the signal, notice and snapshot builders.
import { ContentRegistry } from '../../core/delivery/content-registry';
import type { OutboundMessage } from '../../core/types';
import type { Db } from '../client';
import { SqliteNoticeContent } from './notice-content';
import { SqliteSignalContent } from './signal-content';
import { SqliteSnapshotContent } from './snapshot-content';

/** Resolves 'signal' deliveries (alerts, rationales), 'notice' and 'snapshot' deliveries; any other type is not_found. */
export class SqliteContentResolver extends ContentRegistry<OutboundMessage> {
  constructor(deps: { db: Db; cacheSize?: number; disclaimer?: string | null | undefined }) {
    super();
    this.register('signal', new SqliteSignalContent(deps));
    this.register('notice', new SqliteNoticeContent(deps));
    this.register('snapshot', new SqliteSnapshotContent(deps));
  }
}
