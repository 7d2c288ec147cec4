/**
 * What a file is, told from its bytes alone: the name and the declared Content-Type are the
 * sender's word, and an executable renamed `judgment.pdf` must not be stored as a PDF. Only the
 * allowlisted types of evidence are recognized; anything else is `null` (refused).
 */

export const MEDIA_TYPES = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'image/tiff': ['tif', 'tiff'],
  'image/heic': ['heic', 'heif'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/msword': ['doc'],
  'application/vnd.ms-excel': ['xls'],
  'application/vnd.ms-powerpoint': ['ppt'],
} as const;

export type MediaType = keyof typeof MEDIA_TYPES;

/** For messages: what may be uploaded. */
export const ACCEPTED_TYPES =
  'PDF, PNG, JPEG, GIF, WebP, TIFF, HEIC, Word/Excel/PowerPoint (.docx/.xlsx/.pptx, .doc/.xls/.ppt) and OpenDocument (.odt/.ods/.odp)';

const startsWith = (b: Buffer, sig: number[] | string, at = 0): boolean => {
  const bytes = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return b.length >= at + bytes.length && b.subarray(at, at + bytes.length).equals(bytes);
};

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

export function sniffMediaType(b: Buffer): MediaType | null {
  if (startsWith(b, '%PDF-')) return 'application/pdf';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a')) return 'image/gif';
  if (startsWith(b, 'RIFF') && startsWith(b, 'WEBP', 8)) return 'image/webp';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  if (startsWith(b, 'ftyp', 4) && HEIF_BRANDS.has(b.subarray(8, 12).toString('latin1'))) return 'image/heic';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04])) return zipDocumentType(b);
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleDocumentType(b);
  return null;
}

const ODF: Record<string, MediaType> = {
  'application/vnd.oasis.opendocument.text': 'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet': 'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation': 'application/vnd.oasis.opendocument.presentation',
};

/**
 * A ZIP is accepted only as an office document: OpenDocument (its first entry is an
 * uncompressed `mimetype`) or Office Open XML (`[Content_Types].xml` and the part folder of
 * Word, Excel or PowerPoint). A macro project (`vbaProject.bin`) is refused: it is code.
 */
function zipDocumentType(b: Buffer): MediaType | null {
  const names = zipEntryNames(b);
  if (!names || names.some((n) => /(^|\/)vbaProject\.bin$/i.test(n))) return null;
  if (names[0] === 'mimetype' && b.readUInt16LE(8) === 0) {
    const nameLength = b.readUInt16LE(26);
    const extraLength = b.readUInt16LE(28);
    const size = b.readUInt32LE(18);
    const start = 30 + nameLength + extraLength;
    return ODF[b.subarray(start, start + size).toString('latin1')] ?? null;
  }
  if (!names.includes('[Content_Types].xml')) return null;
  if (names.some((n) => n.startsWith('word/')))
    return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (names.some((n) => n.startsWith('xl/')))
    return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (names.some((n) => n.startsWith('ppt/')))
    return 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  return null;
}

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;

/** The entry names from the central directory, in order; null when it cannot be read. */
function zipEntryNames(b: Buffer): string[] | null {
  // The end-of-central-directory record is in the last 22 + 65,535 (comment) bytes.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (b.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > b.length || b.readUInt32LE(at) !== CENTRAL_ENTRY) return null;
    const nameLength = b.readUInt16LE(at + 28);
    const extraLength = b.readUInt16LE(at + 30);
    const commentLength = b.readUInt16LE(at + 32);
    if (at + 46 + nameLength > b.length) return null;
    names.push(b.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');

/**
 * A legacy (OLE2 compound file) Office document, told by the name of its main stream in the
 * directory: `WordDocument`, `Workbook`/`Book`, or `PowerPoint Document`. Other compound files
 * (installers, Outlook messages, thumbnails caches) are refused.
 */
function oleDocumentType(b: Buffer): MediaType | null {
  if (b.includes(utf16('WordDocument'))) return 'application/msword';
  if (b.includes(utf16('Workbook')) || b.includes(utf16('Book\u0000'))) return 'application/vnd.ms-excel';
  if (b.includes(utf16('PowerPoint Document'))) return 'application/vnd.ms-powerpoint';
  return null;
}

/**
 * The name a download is offered under: the uploaded name, with the extension of its real type
 * added when the name claims another (so `photo.exe` that is a JPEG opens as `photo.exe.jpg`).
 */
export function downloadName(filename: string, mediaType: string): string {
  const extensions: readonly string[] = MEDIA_TYPES[mediaType as MediaType] ?? [];
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(filename)?.[1]?.toLowerCase();
  if (ext && extensions.includes(ext)) return filename;
  return extensions[0] ? `${filename}.${extensions[0]}` : filename;
}
