// Publishing as the signal source does in the whole-service tests: signed POSTs of a signal and of its updates.
import { signBody, signRequest } from '../../server/signature';

/** What the service answered, as JSON. */
export interface PublishAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The service under test: its URL, the ingest signing secret, and its clock's time (the signature's). */
export interface Publisher {
  url: string;
  secret: string;
  now(): number;
}

/** POST /v1/signals with a v1 signature; a long signal with one reason. */
export async function postSignal(p: Publisher, publisherId: string, symbol: string): Promise<PublishAnswer & { id: string }> {
  const raw = JSON.stringify({ publisherId, symbol, market: 'crypto', side: 'long', conviction: 0.9, reasons: ['Breakout on volume'] });
  const res = await fetch(`${p.url}/v1/signals`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-signalcast-signature': signBody(p.secret, raw, p.now()) }, body: raw,
  });
  const body = await res.json() as Record<string, unknown>;
  return { status: res.status, body, id: String(body.id) };
}

/** POST /v1/signals/:id/updates with a v2 signature (bound to the path), as an update needs. */
export async function postUpdate(p: Publisher, signalId: string, update: Record<string, unknown>): Promise<PublishAnswer> {
  const path = `/v1/signals/${signalId}/updates`;
  const raw = JSON.stringify(update);
  const res = await fetch(`${p.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-signalcast-signature': signRequest(p.secret, { method: 'POST', path, rawBody: raw }, p.now()) }, body: raw,
  });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}
