import mammoth from 'mammoth';
import type PdfParse from 'pdf-parse';
import { AppError } from '../../http/errors';
import type { LibraryFileType } from './files';
import { cutText } from '../../lib/text';

// The library's entry file reads a test PDF when it thinks it runs in debug mode: its lib file does not.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as typeof PdfParse;

/** The search index keeps at most this much text per document (a tsvector is limited to 1 MB). */
export const TEXT_LIMIT = 300_000;
const PDF_PAGES = 500;
const TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Whitespace collapsed, NUL bytes dropped (PostgreSQL text refuses them), capped for the index. */
export function cleanText(s: string): string {
  const text = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
  return cutText(text, TEXT_LIMIT);
}

/**
 * The searchable text of a PDF or DOCX (other kinds: none). A PDF or DOCX that its reader cannot open is
 * refused as damaged; a scanned PDF without a text layer simply has no text.
 */
export async function extractText(buf: Buffer, type: LibraryFileType): Promise<string> {
  try {
    if (type === 'pdf') {
      const r = await withTimeout(pdfParse(buf, { max: PDF_PAGES }), TIMEOUT_MS);
      return cleanText(r.text);
    }
    if (type === 'docx') {
      const r = await withTimeout(mammoth.extractRawText({ buffer: buf }), TIMEOUT_MS);
      return cleanText(r.value);
    }
  } catch {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      type === 'pdf'
        ? 'Файл PDF повреждён и не открывается. Сохраните его заново и загрузите ещё раз'
        : 'Файл Word повреждён и не открывается. Сохраните его заново как .docx и загрузите ещё раз',
    );
  }
  return '';
}
