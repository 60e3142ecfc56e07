// The dispatcher's content resolver on SQLite: the content registry with the signal, notice, update, snapshot and digest builders.
import { ContentRegistry } from '../../core/delivery/content-registry';
import type { OutboundMessage } from '../../core/types';
import type { Db } from '../client';
import { SqliteDigestContent } from './digest-content';
import { SqliteNoticeContent } from './notice-content';
import { SqliteSignalContent } from './signal-content';
import { SqliteSnapshotContent } from './snapshot-content';
import { SqliteUpdateContent } from './update-content';

/** Resolves 'signal' deliveries (alerts, rationales), 'notice', 'update', 'snapshot' and 'digest' deliveries; any other type is not_found. */
export class SqliteContentResolver extends ContentRegistry<OutboundMessage> {
  constructor(deps: { db: Db; cacheSize?: number; disclaimer?: string | null | undefined }) {
    super();
    this.register('signal', new SqliteSignalContent(deps));
    this.register('notice', new SqliteNoticeContent(deps));
    this.register('update', new SqliteUpdateContent(deps));
    this.register('snapshot', new SqliteSnapshotContent(deps));
    this.register('digest', new SqliteDigestContent(deps));
  }
}
