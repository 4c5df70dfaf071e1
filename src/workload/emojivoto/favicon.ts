// web's /img/favicon.ico: the real app serves an icon file there (its index page links
// it), so a browser's or a load's request for it gets an icon, not the page. Ours is drawn
// here rather than copied: a 16×16, 32-bit ICO (a yellow disc on transparent), 1150 bytes.
// Format: ICONDIR, one ICONDIRENTRY, then a BMP without its file header (BITMAPINFOHEADER
// with twice the height for the colour and mask planes), pixels bottom-up in BGRA, then
// the 1-bit AND mask (all zero: transparency comes from the alpha channel).

const SIZE = 16;

export function faviconIco(): Buffer {
  const pixels = SIZE * SIZE * 4;
  const maskRow = 4; // 16 bits, padded to 32
  const image = 40 + pixels + maskRow * SIZE;
  const ico = Buffer.alloc(6 + 16 + image);
  ico.writeUInt16LE(0, 0); // reserved
  ico.writeUInt16LE(1, 2); // type: icon
  ico.writeUInt16LE(1, 4); // one image
  ico.writeUInt8(SIZE, 6);
  ico.writeUInt8(SIZE, 7);
  ico.writeUInt8(0, 8); // no palette
  ico.writeUInt8(0, 9);
  ico.writeUInt16LE(1, 10); // planes
  ico.writeUInt16LE(32, 12); // bits per pixel
  ico.writeUInt32LE(image, 14);
  ico.writeUInt32LE(22, 18); // offset of the image
  const bmp = 22;
  ico.writeUInt32LE(40, bmp);
  ico.writeInt32LE(SIZE, bmp + 4);
  ico.writeInt32LE(SIZE * 2, bmp + 8);
  ico.writeUInt16LE(1, bmp + 12);
  ico.writeUInt16LE(32, bmp + 14);
  ico.writeUInt32LE(0, bmp + 16); // no compression
  ico.writeUInt32LE(pixels + maskRow * SIZE, bmp + 20);
  const centre = (SIZE - 1) / 2;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const at = bmp + 40 + (y * SIZE + x) * 4;
      if (Math.hypot(x - centre, y - centre) > SIZE / 2 - 0.5) continue; // transparent
      ico[at] = 0x2e; // B
      ico[at + 1] = 0xcc; // G
      ico[at + 2] = 0xff; // R
      ico[at + 3] = 0xff; // A
    }
  }
  return ico;
}
