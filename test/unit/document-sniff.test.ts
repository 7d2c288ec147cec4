import crypto from 'node:crypto';
import { createFieldCipher, generateKeyMaterial, parseKeyRing } from '../../src/lib/crypto';
import { DocumentIntegrityError, openContent, sealContent } from '../../src/documents/document-crypto';
import { downloadName, sniffMediaType } from '../../src/documents/sniff';

const bytes = (...parts: Array<string | number[] | Buffer>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** A minimal ZIP (stored entries, central directory, end record) holding `entries`. */
function zip(entries: Array<[name: string, content: string]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const n = Buffer.from(name);
    const c = Buffer.from(content, 'latin1');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(c.length, 18);
    local.writeUInt32LE(c.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(c.length, 20);
    central.writeUInt32LE(c.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, c);
    centrals.push(central, n);
    offset += 30 + n.length + c.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('reading a file’s type from its content', () => {
  it.each([
    ['PDF', bytes('%PDF-1.4\n'), 'application/pdf'],
    ['PNG', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR'), 'image/png'],
    ['JPEG', bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'), 'image/jpeg'],
    ['GIF', bytes('GIF89a....'), 'image/gif'],
    ['WebP', bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp'],
    ['TIFF', bytes([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'image/tiff'],
    ['HEIC', bytes([0, 0, 0, 24], 'ftypheic', [0, 0, 0, 0]), 'image/heic'],
    [
      'DOCX',
      zip([
        ['[Content_Types].xml', '<Types/>'],
        ['word/document.xml', '<w:document/>'],
      ]),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    [
      'XLSX',
      zip([
        ['[Content_Types].xml', '<Types/>'],
        ['xl/workbook.xml', '<workbook/>'],
      ]),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    [
      'ODT',
      zip([
        ['mimetype', 'application/vnd.oasis.opendocument.text'],
        ['content.xml', '<office:document-content/>'],
      ]),
      'application/vnd.oasis.opendocument.text',
    ],
    [
      'DOC',
      bytes(
        [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
        Buffer.alloc(500),
        Buffer.from('WordDocument', 'utf16le'),
      ),
      'application/msword',
    ],
  ])('knows a %s', (_what, content, type) => {
    expect(sniffMediaType(content)).toBe(type);
  });

  it.each([
    ['a Windows executable', bytes('MZ', Buffer.alloc(100))],
    ['an ELF executable', bytes([0x7f], 'ELF', Buffer.alloc(100))],
    ['a shell script', bytes('#!/bin/sh\nrm -rf /\n')],
    ['HTML', bytes('<html><script>alert(1)</script></html>')],
    ['a plain ZIP', zip([['payload.exe', 'MZ']])],
    [
      'a Word document with macros',
      zip([
        ['[Content_Types].xml', '<Types/>'],
        ['word/document.xml', '<w:document/>'],
        ['word/vbaProject.bin', 'code'],
      ]),
    ],
    [
      'an OLE file that is no Office document',
      bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], Buffer.alloc(600)),
    ],
    ['a PDF signature not at the start', bytes('MZ....%PDF-1.4')],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_what, content) => {
    expect(sniffMediaType(content)).toBeNull();
  });

  it('offers a download under a name whose extension matches the real type', () => {
    expect(downloadName('judgment.PDF', 'application/pdf')).toBe('judgment.PDF');
    expect(downloadName('photo.exe', 'image/jpeg')).toBe('photo.exe.jpg');
    expect(downloadName('scan', 'image/png')).toBe('scan.png');
  });
});

describe('document content encryption', () => {
  const keys = generateKeyMaterial();
  const cipher = createFieldCipher(parseKeyRing(keys.piiKeys, keys.blindIndexKey));
  const id = crypto.randomUUID();

  it('opens what it sealed, and refuses a flipped byte, a wrong tag or another document’s id', () => {
    const plain = crypto.randomBytes(10_000);
    const sealed = sealContent(cipher, id, plain);
    expect(sealed.keyId).toBe(cipher.activeKeyId);
    expect(Buffer.compare(openContent(cipher, id, sealed), plain)).toBe(0);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[5]! ^= 1;
    expect(() => openContent(cipher, id, { ...sealed, ciphertext: flipped })).toThrow(DocumentIntegrityError);
    expect(() => openContent(cipher, id, { ...sealed, tag: crypto.randomBytes(16) })).toThrow(
      /altered or damaged/,
    );
    expect(() => openContent(cipher, crypto.randomUUID(), sealed)).toThrow(DocumentIntegrityError);
  });
});
