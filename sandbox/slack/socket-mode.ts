// Socket Mode on the emulator's port: apps.connections.open hands out a single-use ws:// URL; the
// socket gets `hello`, then envelopes (slash_commands, interactive, events_api) that the app acks
// with `{ envelope_id, payload? }`; `disconnect` messages on demand.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { EmulatorServer } from '../base/emulator';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  /** Milliseconds from sending the envelope to its ack. */
  ackMs: number;
  /** The ack's `payload`, when the app gave one. */
  payload?: unknown;
}

interface Pending {
  resolve: (ack: SocketAck) => void;
  sentAt: number;
}

export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets: WebSocket[] = [];
  private readonly pending = new Map<string, Pending>();
  /** How many sockets connected, in all. */
  connections = 0;

  constructor(
    private readonly server: EmulatorServer,
    private readonly appId: () => string,
    /** Slack pings each socket every few seconds; the Socket Mode client watches for them. */
    private readonly pingIntervalMs = 10_000,
  ) {
    server.onUpgrade((req, socket, head) => this.upgrade(req, socket, head));
  }

  /** A new single-use URL for apps.connections.open. */
  openUrl(): string {
    const ticket = randomBytes(12).toString('hex');
    this.tickets.add(ticket);
    return `${this.server.url.replace(/^http/, 'ws')}/socket?ticket=${ticket}`;
  }

  get connected(): number {
    return this.sockets.length;
  }

  /** Sends an envelope to one open socket and waits for its ack (undefined: no socket, or no ack within `timeoutMs`). */
  async deliver(type: EnvelopeType, payload: unknown, timeoutMs: number, retry?: { attempt: number; reason: string }): Promise<SocketAck | undefined> {
    const socket = this.sockets[this.sockets.length - 1];
    if (!socket) return undefined;
    const envelopeId = randomBytes(16).toString('hex');
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: retry?.attempt ?? 0, retry_reason: retry?.reason ?? '' } : {}),
    };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve(undefined);
      }, timeoutMs);
      this.pending.set(envelopeId, {
        sentAt: Date.now(),
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      });
      socket.send(JSON.stringify(envelope));
    });
  }

  /** Tells every socket to go (Slack sends this before it rotates a connection): `refresh_requested`, `warning`, `link_disabled`. */
  disconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const socket of this.sockets) socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'slack-emulator' } }));
  }

  /** Cuts every socket without a word (an outage). */
  drop(): void {
    for (const socket of [...this.sockets]) socket.terminate();
  }

  /** Closes every socket with a close frame (cut after `graceMs` when the app does not answer it) and stops taking new ones. */
  async close(graceMs = 500): Promise<void> {
    const closing = this.sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, graceMs);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(1001, 'going away');
        }),
    );
    await Promise.all(closing);
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/socket' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connectedSocket(ws));
  }

  private connectedSocket(ws: WebSocket): void {
    this.sockets.push(ws);
    this.connections += 1;
    const pinger = setInterval(() => ws.ping(), this.pingIntervalMs);
    pinger.unref();
    ws.on('close', () => {
      clearInterval(pinger);
      const i = this.sockets.indexOf(ws);
      if (i >= 0) this.sockets.splice(i, 1);
    });
    ws.on('message', (data: RawData) => this.received(data));
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.length, debug_info: { host: 'slack-emulator', build_number: 1, approximate_connection_time: 18060 }, connection_info: { app_id: this.appId() } }));
  }

  private received(data: RawData): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data)) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const pending = this.pending.get(message.envelope_id);
    if (!pending) return;
    this.pending.delete(message.envelope_id);
    pending.resolve({ ackMs: Date.now() - pending.sentAt, ...(message.payload !== undefined ? { payload: message.payload } : {}) });
  }
}
