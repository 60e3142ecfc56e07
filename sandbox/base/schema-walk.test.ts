import { describe, expect, it } from 'vitest';
import { type Schema, SchemaWalker } from './schema-walk';

const schemas: Record<string, Schema> = {
  Id: { type: 'string', pattern: '^[0-9]+$' },
  User: { type: 'object', required: ['id'], properties: { id: { $ref: '#/Id' }, kind: { const: 1 }, tags: { type: 'array', items: { type: 'string' } } } },
  Either: { items: [{ type: 'string' }, { type: 'integer' }] },
};
const refs = (ref: string): Schema | undefined => schemas[ref.replace('#/', '')];

describe('SchemaWalker', () => {
  it('finds nothing wrong with a value that conforms', () => {
    expect(new SchemaWalker({ refs }).check({ $ref: '#/User' }, { id: '12', kind: 1, tags: ['a'] }, 'user')).toEqual([]);
  });

  it('names each problem by its path: missing field, wrong type, pattern, const', () => {
    expect(new SchemaWalker({ refs }).check({ $ref: '#/User' }, { kind: 2, tags: [3] }, 'user')).toEqual([
      'user.id: required, missing',
      'user.kind: 2 is not 1',
      'user.tags[0]: is integer, the spec says string',
    ]);
    expect(new SchemaWalker({ refs }).check({ $ref: '#/Id' }, 'x1', 'id')).toEqual(['id: "x1" does not match ^[0-9]+$']);
  });

  it('allows unlisted fields unless the schema, or the spec by default, is closed', () => {
    const value = { id: '1', extra: true };
    expect(new SchemaWalker({ refs }).check({ $ref: '#/User' }, value, 'user')).toEqual([]);
    expect(new SchemaWalker({ refs, closedByDefault: true }).check({ $ref: '#/User' }, value, 'user')).toEqual(['user.extra: not a field of the spec']);
  });

  it('reads tuple `items` as alternatives', () => {
    const walker = new SchemaWalker({ refs });
    expect(walker.check({ $ref: '#/Either' }, 5, 'v')).toEqual([]);
    expect(walker.check({ $ref: '#/Either' }, true, 'v')).toEqual(['v: matches none of 2 alternatives (v: is boolean, the spec says string | v: is boolean, the spec says integer)']);
  });

  it('leaves out the problems an erratum names, and throws on a ref the spec lacks', () => {
    const walker = new SchemaWalker({ refs, errata: [{ path: /^user\.kind: /, why: 'test' }] });
    expect(walker.check({ $ref: '#/User' }, { id: '1', kind: 2 }, 'user')).toEqual([]);
    expect(() => walker.check({ $ref: '#/Nope' }, 1, 'v')).toThrow('unresolved #/Nope');
  });
});
