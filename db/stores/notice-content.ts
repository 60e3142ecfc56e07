// Builds notice deliveries' messages (welcome, lapse, invite link, ...) from the notices table.
import type { Statement } from 'better-sqlite3';
import type { ContentBuilder } from '../../core/delivery/content-registry';
import type { DueDelivery } from '../../core/delivery/ports';
import { SignalcastError } from '../../core/errors';
import type { OutboundMessage } from '../../core/types';
import type { Db } from '../client';

/** The 'notice' content type; a notice's content id is "notice#<ref>". */
export class SqliteNoticeContent implements ContentBuilder<OutboundMessage> {
  private readonly noticeStmt: Statement<[number], { text: string; button_label: string | null; button_url: string | null }>;

  constructor(deps: { db: Db }) {
    this.noticeStmt = deps.db.$client.prepare('SELECT text, button_label, button_url FROM notices WHERE ref = ?');
  }

  build(delivery: DueDelivery): OutboundMessage {
    const { contentId } = delivery;
    const ref = Number(/^notice#(\d+)$/.exec(contentId)?.[1]);
    const row = Number.isInteger(ref) ? this.noticeStmt.get(ref) : undefined;
    if (!row) throw new SignalcastError('not_found', `notice ${contentId} does not exist`);
    const buttons = row.button_label && row.button_url ? [{ label: row.button_label, url: row.button_url }] : undefined;
    return { kind: 'notice', text: row.text, buttons };
  }
}
