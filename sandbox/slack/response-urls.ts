// response_url: the local URL a slash command or a button click carries. Posts to it become an
// ephemeral message for the person, a message in the channel (in_channel), or replace or delete
// the original; each URL takes 5 posts within 30 minutes, as Slack's does.
import type { EmulatorResponse } from '../base/emulator';
import type { EphemeralMessage, SlackMessage, SlackState } from './state';

export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_MS = 30 * 60_000;

/** What the URL answers for: a command (its original is its latest ephemeral answer), a channel message, or an ephemeral one. */
export type ResponseSource = { kind: 'command' } | { kind: 'message'; channel: string; ts: string } | { kind: 'ephemeral'; ephemeral: EphemeralMessage };

export interface ResponsePost {
  at: number;
  body: unknown;
  /** What Slack did with it. */
  outcome: 'ephemeral' | 'in_channel' | 'replaced' | 'deleted' | 'refused';
  status: number;
  /** It came in the app's ack, not through the URL (it does not count toward the 5 uses). */
  viaAck?: true;
  /** The message it made or changed. */
  ephemeral?: EphemeralMessage;
  message?: SlackMessage;
}

export interface ResponseUrlRecord {
  id: string;
  team: string;
  channel: string;
  user: string;
  createdAt: number;
  source: ResponseSource;
  posts: ResponsePost[];
  /** The latest ephemeral this URL made (a command's "original"). */
  latest?: EphemeralMessage;
}

type Obj = Record<string, unknown>;

export class ResponseUrlBook {
  readonly records = new Map<string, ResponseUrlRecord>();
  private waiters: { id: string; count: number; resolve: (posts: ResponsePost[]) => void }[] = [];

  constructor(private readonly state: SlackState) {}

  create(team: string, channel: string, user: string, source: ResponseSource): ResponseUrlRecord {
    const record: ResponseUrlRecord = { id: this.state.ids.secret(10), team, channel, user, createdAt: this.state.clock.now(), source, posts: [] };
    this.records.set(record.id, record);
    return record;
  }

  /** Resolves when the URL has received `count` posts (answered or refused), or after `timeoutMs` with what it has. */
  waitFor(id: string, count = 1, timeoutMs = 5_000): Promise<ResponsePost[]> {
    const record = this.records.get(id);
    if (!record) return Promise.reject(new Error(`Slack emulator: no response_url ${id}`));
    if (record.posts.length >= count) return Promise.resolve([...record.posts]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve([...record.posts]);
      }, timeoutMs);
      const waiter = {
        id,
        count,
        resolve: (posts: ResponsePost[]) => {
          clearTimeout(timer);
          resolve(posts);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** The app's answer in an ack body (a slash command answered with a message): shown as a response_url post would be. */
  fromAck(id: string, body: unknown): ResponsePost | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    const message: Obj = typeof body === 'string' ? { text: body } : (body as Obj);
    const post = this.apply(record, message, false);
    if (post) post.viaAck = true;
    return post;
  }

  /** POST /response/:id. */
  handle(id: string, rawBody: Buffer): EmulatorResponse {
    const record = this.records.get(id);
    if (!record) return { status: 404, body: 'invalid_url', headers: { 'content-type': 'text/plain' } };
    let message: Obj;
    try {
      const parsed: unknown = JSON.parse(rawBody.toString('utf8'));
      if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
      message = parsed as Obj;
    } catch {
      return this.refuse(record, rawBody.toString('utf8'), 400, 'invalid_payload');
    }
    if (this.state.clock.now() - record.createdAt > RESPONSE_URL_MS) return this.refuse(record, message, 404, 'expired_url');
    if (record.posts.filter((p) => p.outcome !== 'refused' && !p.viaAck).length >= RESPONSE_URL_USES) return this.refuse(record, message, 404, 'used_url');
    const post = this.apply(record, message, true);
    if (!post) return this.refuse(record, message, 400, 'no_text');
    return { status: 200, body: 'ok', headers: { 'content-type': 'text/html' } };
  }

  clear(): void {
    this.records.clear();
    this.waiters = [];
  }

  private refuse(record: ResponseUrlRecord, body: unknown, status: number, text: string): EmulatorResponse {
    this.record(record, { at: this.state.clock.now(), body, outcome: 'refused', status });
    return { status, body: text, headers: { 'content-type': 'text/plain' } };
  }

  private apply(record: ResponseUrlRecord, message: Obj, counted: boolean): ResponsePost | undefined {
    const now = this.state.clock.now();
    const text = typeof message.text === 'string' ? message.text : '';
    const blocks = Array.isArray(message.blocks) ? (message.blocks as unknown[]) : undefined;
    const replace = message.replace_original === true || message.replace_original === 'true';
    const remove = message.delete_original === true || message.delete_original === 'true';
    const original = this.original(record);
    if (remove && original) {
      if ('via' in original && 'deleted' in original) original.deleted = true;
      else this.state.messages.set(record.channel, (this.state.messages.get(record.channel) ?? []).filter((m) => m !== original));
      return this.record(record, { at: now, body: message, outcome: 'deleted', status: 200 });
    }
    if (!text && !blocks) return undefined;
    if (replace && original) {
      original.edits.push({ at: now, text: original.text, ...(original.blocks ? { blocks: original.blocks } : {}) });
      original.text = text;
      if (blocks) original.blocks = blocks;
      else delete original.blocks;
      return this.record(record, { at: now, body: message, outcome: 'replaced', status: 200, ...('deleted' in original ? { ephemeral: original } : { message: original as SlackMessage }) });
    }
    if (message.response_type === 'in_channel') {
      const posted: SlackMessage = { ts: this.state.ids.ts(), channel: record.channel, team: record.team, user: this.state.workspaces.get(record.team)?.bot?.id ?? '', text, ...(blocks ? { blocks } : {}), edits: [], via: 'response_url' };
      const botId = this.state.workspaces.get(record.team)?.bot?.botId;
      if (botId) posted.botId = botId;
      this.state.messagesIn(record.channel).push(posted);
      return this.record(record, { at: now, body: message, outcome: 'in_channel', status: 200, message: posted });
    }
    const ephemeral: EphemeralMessage = { ts: this.state.ids.ts(), team: record.team, channel: record.channel, user: record.user, text, ...(blocks ? { blocks } : {}), via: counted ? 'response_url' : 'ack', responseUrlId: record.id, edits: [], deleted: false };
    this.state.ephemerals.push(ephemeral);
    record.latest = ephemeral;
    return this.record(record, { at: now, body: message, outcome: 'ephemeral', status: 200, ephemeral });
  }

  private original(record: ResponseUrlRecord): EphemeralMessage | SlackMessage | undefined {
    switch (record.source.kind) {
      case 'command':
        return record.latest;
      case 'ephemeral':
        return record.source.ephemeral;
      case 'message':
        return this.state.findMessage(record.source.channel, record.source.ts);
    }
  }

  private record(record: ResponseUrlRecord, post: ResponsePost): ResponsePost {
    record.posts.push(post);
    const ready = this.waiters.filter((w) => w.id === record.id && record.posts.length >= w.count);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve([...record.posts]);
    return post;
  }
}
