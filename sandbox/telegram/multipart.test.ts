import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart } from './multipart';

describe('parseMultipart', () => {
  it("reads fields and files, including grammy's unquoted file names and unspaced headers", () => {
    const body = Buffer.concat([
      Buffer.from('--XyZ\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n42\r\n--XyZ\r\n'),
      Buffer.from('content-disposition:form-data;name="photo"\r\n\r\nattach://abc\r\n--XyZ\r\n'),
      Buffer.from('content-disposition:form-data;name="abc";filename=chart.png\r\ncontent-type:application/octet-stream\r\n\r\n'),
      Buffer.from([0, 1, 2, 13, 10, 3]),
      Buffer.from('\r\n--XyZ--\r\n'),
    ]);
    const parsed = parseMultipart(body, multipartBoundary('multipart/form-data; boundary=XyZ') ?? '');
    expect(parsed.fields).toEqual({ chat_id: '42', photo: 'attach://abc' });
    expect(parsed.files).toEqual([{ name: 'abc', filename: 'chart.png', contentType: 'application/octet-stream', data: Buffer.from([0, 1, 2, 13, 10, 3]) }]);
  });

  it('reads quoted boundaries and file names, and refuses a body that never ends', () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/json')).toBeUndefined();
    const body = Buffer.from('--B\r\nContent-Disposition: form-data; name="photo"; filename="x.png"\r\n\r\nPNG\r\n--B--');
    expect(parseMultipart(body, 'B').files[0]).toMatchObject({ name: 'photo', filename: 'x.png', data: Buffer.from('PNG') });
    expect(() => parseMultipart(Buffer.from('--B\r\nname="x"\r\n\r\nno end'), 'B')).toThrow(/not terminated/);
  });
});
