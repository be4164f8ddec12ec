import yauzl from 'yauzl';
import { AppError } from '../../http/errors';

/** What the library accepts, recognised by content (never by the name or the browser's type). */
export type LibraryFileType = 'pdf' | 'docx' | 'xlsx' | 'odt' | 'png' | 'jpeg';

export const FILE_TYPES: Record<LibraryFileType, { mime: string; ext: string; label: string }> = {
  pdf: { mime: 'application/pdf', ext: 'pdf', label: 'PDF' },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ext: 'docx',
    label: 'Word (DOCX)',
  },
  xlsx: {
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ext: 'xlsx',
    label: 'Excel (XLSX)',
  },
  odt: { mime: 'application/vnd.oasis.opendocument.text', ext: 'odt', label: 'OpenDocument (ODT)' },
  png: { mime: 'image/png', ext: 'png', label: 'изображение PNG' },
  jpeg: { mime: 'image/jpeg', ext: 'jpg', label: 'изображение JPEG' },
};

export const LIBRARY_LIMITS = {
  bytes: 20 * 1024 * 1024,
  zipEntries: 5_000,
  zipUncompressed: 150 * 1024 * 1024,
};

const ACCEPTED = 'Принимаются PDF, DOCX, XLSX, ODT и изображения PNG или JPEG';
const refuse = (message: string) => new AppError('UNSUPPORTED_MEDIA_TYPE', message);

/** The entry names of a zip, refusing bombs: too many entries, too much declared or real inflated data. */
function zipEntries(buf: Buffer): Promise<Map<string, Buffer | null>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(refuse(`Файл повреждён: архив не читается. ${ACCEPTED}`));
      const names = new Map<string, Buffer | null>();
      let declared = 0;
      let inflated = 0;
      let failed = false;
      const fail = (e: AppError) => {
        if (failed) return;
        failed = true;
        zip.close();
        reject(e);
      };
      const tooBig = () => new AppError('PAYLOAD_TOO_LARGE', 'Файл слишком велик в распакованном виде (или повреждён)');
      zip.on('entry', (e: yauzl.Entry) => {
        declared += e.uncompressedSize;
        if (names.size >= LIBRARY_LIMITS.zipEntries || declared > LIBRARY_LIMITS.zipUncompressed) return fail(tooBig());
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return fail(refuse('Файл повреждён: архив не читается'));
          const keep = e.fileName === 'mimetype';
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (keep && chunks.length < 4) chunks.push(chunk);
            if (inflated > LIBRARY_LIMITS.zipUncompressed) {
              stream.destroy();
              fail(tooBig());
            }
          });
          stream.on('error', (e2: Error) =>
            fail(/too many bytes/i.test(e2.message) ? tooBig() : refuse('Файл повреждён: архив не читается')),
          );
          stream.on('end', () => {
            names.set(e.fileName, keep ? Buffer.concat(chunks) : null);
            if (!failed) zip.readEntry();
          });
        });
      });
      zip.on('end', () => {
        if (!failed) resolve(names);
      });
      zip.on('error', () => fail(refuse('Файл повреждён: архив не читается')));
      zip.readEntry();
    });
  });
}

const starts = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** The real type of an uploaded file by its content; anything else is refused with a Russian message. */
export async function detectFileType(buf: Buffer): Promise<LibraryFileType> {
  if (buf.length === 0) throw new AppError('BAD_REQUEST', 'Файл пустой');
  if (buf.length > LIBRARY_LIMITS.bytes) throw new AppError('PAYLOAD_TOO_LARGE', 'Файл больше 20 МБ');
  if (starts(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (starts(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(buf, [0x50, 0x4b, 0x03, 0x04])) {
    const entries = await zipEntries(buf);
    if (entries.has('[Content_Types].xml') && entries.has('word/document.xml')) return 'docx';
    if (entries.has('[Content_Types].xml') && entries.has('xl/workbook.xml')) return 'xlsx';
    const mimetype = entries.get('mimetype')?.toString('ascii').trim();
    if (mimetype === FILE_TYPES.odt.mime && entries.has('content.xml')) return 'odt';
    throw refuse(`Архив не похож на документ Word, Excel или OpenDocument. ${ACCEPTED}`);
  }
  if (starts(buf, [0xd0, 0xcf, 0x11, 0xe0]))
    throw refuse('Это файл старого формата Word или Excel (.doc, .xls). Сохраните его как .docx, .xlsx или PDF');
  throw refuse(`Формат файла не поддерживается. ${ACCEPTED}`);
}

/** The multipart parser reads the file name as Latin-1; browsers send UTF-8 bytes: decoded again when they are. */
function utf8Name(raw: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\u0080-\u00ff]/.test(raw) || /[^\u0000-\u00ff]/.test(raw)) return raw;
  const s = Buffer.from(raw, 'latin1').toString('utf8');
  return s.includes('\uFFFD') ? raw : s;
}

/**
 * The name the file is stored and served under: no directories, no control characters, at most 150 characters,
 * and the extension of the real type (a "report.exe" that is a PDF is served as "report.exe.pdf").
 */
export function safeFileName(raw: string | undefined, type: LibraryFileType): string {
  const ext = FILE_TYPES[type].ext;
  let name =
    utf8Name(raw ?? '')
      .split(/[\\/]/)
      .pop() ?? '';
  name = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Cut by characters, not UTF-16 units: half of a surrogate pair (an emoji at the cut) would fail in PostgreSQL.
  name = Array.from(name).slice(0, 150).join('');
  if (!name || name.startsWith('.')) name = `document${name}`;
  const lower = name.toLowerCase();
  const ok = lower.endsWith(`.${ext}`) || (type === 'jpeg' && lower.endsWith('.jpeg'));
  return ok ? name : `${name}.${ext}`;
}

/** Content-Disposition for a download: always an attachment, an ASCII fallback and the RFC 5987 UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
