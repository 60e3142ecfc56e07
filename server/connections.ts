// Connection hygiene for a server that may face the internet directly: timeouts, a connection cap,
// and answers in our error shape for requests node or fastify refuse before any route runs.
import { STATUS_CODES } from 'node:http';
import type { Server, Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { errorBody } from './http-errors';

/** Time and count limits for client connections. */
export interface HttpLimits {
  /** The request line and headers must arrive within this (slow-loris guard). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this; also the socket's idle limit. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections above this are refused at once (each one holds a file descriptor). */
  maxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 500,
};

/** The fastify options that apply the limits (the cap is set on the server once built: see applyConnectionCap). */
export function connectionOptions(limits: HttpLimits): Pick<FastifyServerOptions, 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'clientErrorHandler'> & { http: { headersTimeout: number; connectionsCheckingInterval: number } } {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks the header and request timeouts on this interval (30 s by default), so a
      // short timeout would otherwise be enforced up to 30 s late.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    clientErrorHandler: answerClientError,
  };
}

/** Writes a raw answer in our error shape for what node's parser refused (timeouts, oversized headers, garbage). */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, errorBody('request_timeout', 'the request did not arrive in time')]
    : err.code === 'HPE_HEADER_OVERFLOW' ? [431, errorBody('headers_too_large', 'the request line or headers are too large')]
    : [400, errorBody('bad_request', 'the request could not be read')];
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy();
}

/** How often, at most, refused connections are reported. */
const DROP_REPORT_EVERY_MS = 60_000;

/**
 * Logs connections refused over the cap: the first at once, then a count at most once a minute,
 * so a flood is visible without flooding the log.
 */
export function reportDroppedConnections(server: Server, deps: { logger: Logger; clock: Clock; maxConnections: number }): void {
  let dropped = 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  server.on('drop', () => {
    dropped++;
    const now = deps.clock.now();
    if (now - lastReport < DROP_REPORT_EVERY_MS) return;
    deps.logger.warn({ dropped, maxConnections: deps.maxConnections }, 'connections refused: HTTP_MAX_CONNECTIONS reached');
    dropped = 0;
    lastReport = now;
  });
}
