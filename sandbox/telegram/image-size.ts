// Reads the width and height of an uploaded photo (PNG, JPEG, GIF), as Telegram must to answer
// with PhotoSize objects; anything else is not an image it can process.

export interface ImageSize {
  width: number;
  height: number;
}

function pngSize(data: Buffer): ImageSize | undefined {
  if (data.length < 24 || data.readUInt32BE(0) !== 0x89504e47) return undefined;
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function gifSize(data: Buffer): ImageSize | undefined {
  if (data.length < 10 || data.subarray(0, 3).toString('latin1') !== 'GIF') return undefined;
  return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
}

function jpegSize(data: Buffer): ImageSize | undefined {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos + 9 < data.length) {
    if (data[pos] !== 0xff) return undefined;
    const marker = data[pos + 1] ?? 0;
    const length = data.readUInt16BE(pos + 2);
    // Start-of-frame markers carry the size; C4 (Huffman), C8 and CC (arithmetic) do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: data.readUInt16BE(pos + 5), width: data.readUInt16BE(pos + 7) };
    }
    pos += 2 + length;
  }
  return undefined;
}

/** The image's size, or undefined when it is not a PNG, JPEG or GIF. */
export function imageSize(data: Buffer): ImageSize | undefined {
  const size = pngSize(data) ?? jpegSize(data) ?? gifSize(data);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}
