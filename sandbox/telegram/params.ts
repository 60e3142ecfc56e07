// Reads a Bot API call's parameters the way Telegram does: from the query string, a JSON body,
// a form or a multipart upload, with strings coerced to the types the method expects.
import type { RecordedRequest } from '../base/emulator';
import { badRequest } from './errors';
import { multipartBoundary, parseMultipart, type UploadedFile } from './multipart';

/** A file parameter: a new upload, or a reference (file_id or URL) to one Telegram already has. */
export type FileParam = { upload: UploadedFile } | { reference: string };

export class Params {
  constructor(
    private readonly values: Record<string, unknown>,
    private readonly files: UploadedFile[] = [],
  ) {}

  has(name: string): boolean {
    const v = this.values[name];
    return v !== undefined && v !== null && v !== '';
  }

  string(name: string): string | undefined;
  string(name: string, required: true): string;
  string(name: string, required = false): string | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') {
      if (required) throw badRequest(`${name} is empty`);
      return undefined;
    }
    if (typeof v === 'object') throw badRequest(`${name} must be a string`);
    return String(v);
  }

  integer(name: string): number | undefined;
  integer(name: string, required: true): number;
  integer(name: string, required = false): number | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') {
      if (required) throw badRequest(`${name} is empty`);
      return undefined;
    }
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw badRequest(`invalid ${name} specified`);
    return n;
  }

  boolean(name: string): boolean {
    const v = this.values[name];
    return v === true || v === 'true' || v === 'True' || v === '1' || v === 1;
  }

  /** An object or array parameter, sent as JSON (or as a JSON string in forms). */
  json<T>(name: string, label = name): T | undefined {
    const v = this.values[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v as T;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw badRequest(`can't parse ${label} JSON object`);
    }
  }

  /** chat_id: an integer, or "@username" for public chats. */
  chatId(name = 'chat_id'): number | string {
    const v = this.values[name];
    if (typeof v === 'string' && v.startsWith('@')) return v;
    return this.integer(name, true);
  }

  file(name: string): FileParam | undefined {
    const direct = this.files.find((f) => f.name === name);
    if (direct) return { upload: direct };
    const v = this.string(name);
    if (v === undefined) return undefined;
    if (v.startsWith('attach://')) {
      const attached = this.files.find((f) => f.name === v.slice('attach://'.length));
      if (!attached) throw badRequest(`wrong remote file identifier specified: can't find ${v}`);
      return { upload: attached };
    }
    return { reference: v };
  }
}

/** Collects the parameters of a recorded request (query first, the body on top). */
export function readParams(req: RecordedRequest): Params {
  const values: Record<string, unknown> = Object.fromEntries(req.query);
  let files: UploadedFile[] = [];
  const contentType = req.headers['content-type'];
  const type = Array.isArray(contentType) ? contentType[0] : contentType;
  const boundary = multipartBoundary(type);
  if (boundary) {
    try {
      const parsed = parseMultipart(req.rawBody, boundary);
      Object.assign(values, parsed.fields);
      files = parsed.files;
    } catch {
      throw badRequest('invalid multipart/form-data body');
    }
  } else if (req.body instanceof URLSearchParams) {
    Object.assign(values, Object.fromEntries(req.body));
  } else if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) {
    Object.assign(values, req.body);
  } else if (req.rawBody.length > 0 && type?.includes('application/json')) {
    throw badRequest("can't parse JSON request body");
  }
  return new Params(values, files);
}
