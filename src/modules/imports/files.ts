import path from 'node:path';
import { Worker } from 'node:worker_threads';
import yauzl from 'yauzl';
import { AppError } from '../../http/errors';

export const LIMITS = {
  bytes: 20 * 1024 * 1024,
  rows: 200_000,
  zipEntries: 2_000,
  zipUncompressed: 200 * 1024 * 1024,
  zipRatio: 200,
};

export type FileKind = 'xlsx' | 'csv';

const TOO_BIG = () =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    'Файл Excel слишком велик в распакованном виде (или повреждён). Сохраните список заново или разделите его',
  );
const BROKEN = () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Файл повреждён: это не настоящий файл Excel (.xlsx)');

/**
 * Zip bombs: the archive's directory is read first (too many entries or too much declared data is refused), then
 * every entry is inflated as a stream and its real bytes counted, so sizes that lie in the headers are caught
 * at the limit (or where an entry outgrows its declared size) before anything is kept in memory.
 */
function inspectZip(buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(BROKEN());
      let entries = 0;
      let declared = 0;
      let inflated = 0;
      let failed = false;
      const fail = (e: AppError) => {
        if (!failed) {
          failed = true;
          zip.close();
          reject(e);
        }
      };
      zip.on('entry', (e: yauzl.Entry) => {
        entries += 1;
        declared += e.uncompressedSize;
        if (
          entries > LIMITS.zipEntries ||
          declared > LIMITS.zipUncompressed ||
          (e.compressedSize > 0 &&
            e.uncompressedSize / e.compressedSize > LIMITS.zipRatio &&
            e.uncompressedSize > 1024 * 1024)
        ) {
          return fail(TOO_BIG());
        }
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return fail(BROKEN());
          stream.on('data', (chunk: Buffer) => {
            inflated += chunk.length;
            if (inflated > LIMITS.zipUncompressed) {
              stream.destroy();
              fail(TOO_BIG());
            }
          });
          // An entry that inflates beyond its declared size (validateEntrySizes) is a lie: refused as too big;
          // any other stream error (bad deflate data, a short entry) is a damaged file.
          stream.on('error', (e: Error) => fail(/too many bytes/i.test(e.message) ? TOO_BIG() : BROKEN()));
          stream.on('end', () => {
            if (!failed) zip.readEntry();
          });
        });
      });
      zip.on('end', () => {
        if (!failed) resolve();
      });
      zip.on('error', () => fail(BROKEN()));
      zip.readEntry();
    });
  });
}

/** The real type by content, whatever the name says: a zip (xlsx) or text (csv); anything else is refused. */
export async function checkFile(buf: Buffer, name: string): Promise<FileKind> {
  if (buf.length === 0) throw new AppError('BAD_REQUEST', 'Файл пустой');
  if (buf.length > LIMITS.bytes)
    throw new AppError('PAYLOAD_TOO_LARGE', 'Файл больше 20 МБ: разделите список на части');
  if (buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) {
    await inspectZip(buf);
    return 'xlsx';
  }
  if (buf[0] === 0xd0 && buf[1] === 0xcf)
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Это файл старого формата Excel (.xls). Сохраните его как .xlsx или .csv',
    );
  if (buf[0] === 0x25 && buf[1] === 0x50 && buf[2] === 0x44 && buf[3] === 0x46)
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Это PDF. Нужен список в формате .xlsx или .csv');
  // Text: no NUL bytes in the first part.
  if (buf.subarray(0, 8192).includes(0))
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Файл «${name}» не похож на таблицу .xlsx или .csv`);
  return 'csv';
}

export interface Table {
  headers: string[];
  rows: string[][];
}

/** Memory of a worker that reads a file (its heap): a file that needs more is refused, the server stays up. */
const WORKER_HEAP_MB = 256;
const TOO_MANY_ROWS = () => new AppError('PAYLOAD_TOO_LARGE', `В файле больше ${LIMITS.rows} строк: разделите его`);

interface WorkerAnswer {
  /** A batch of rows (send-rows.js): the worker sends the next when asked. */
  part?: string[][];
  /** The last message: the outcome (rows: [] when the rows came in parts). */
  done?: boolean;
  rows?: string[][];
  tooMany?: boolean;
  noSheet?: boolean;
  /** CSV: the line where parsing failed, and whether the quotes were the cause. */
  badLine?: number;
  quotes?: boolean;
  error?: string;
}

const UNREADABLE: Record<FileKind, () => AppError> = {
  xlsx: () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'Файл Excel не читается: сохраните его заново как .xlsx'),
  csv: () =>
    new AppError(
      'UNPROCESSABLE',
      'CSV не читается: сохраните его заново из Excel как «CSV (разделители — точка с запятой)»',
    ),
};

/**
 * The rows of an XLSX file's first sheet (xlsx-rows.worker.js) or of a CSV file (csv-rows.worker.js), read in a
 * worker thread so that no upload stalls other users: streamed, counted while streaming and stopped past the row
 * limit, the worker's heap capped.
 */
function readRows(buf: Buffer, kind: FileKind): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    // One copy of exactly the file's bytes, handed over (not cloned) to the worker.
    const bytes = new Uint8Array(buf);
    const worker = new Worker(path.join(__dirname, `${kind}-rows.worker.js`), {
      workerData: { buf: bytes, maxRows: LIMITS.rows },
      transferList: [bytes.buffer],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    const rows: string[][] = [];
    worker.on('message', (m: WorkerAnswer) => {
      if (m.part) {
        for (const r of m.part) rows.push(r);
        // The next batch after a turn of the event loop: other users' requests go first.
        setImmediate(() => worker.postMessage('more'));
        return;
      }
      done(() => {
        if (m.tooMany) reject(TOO_MANY_ROWS());
        else if (m.noSheet) reject(new AppError('UNPROCESSABLE', 'В файле нет листов'));
        else if (m.badLine !== undefined)
          reject(
            new AppError(
              'UNPROCESSABLE',
              `CSV не читается: строка ${m.badLine}${m.quotes ? ' — непарные кавычки' : ''}. Исправьте её или сохраните файл заново из Excel`,
            ),
          );
        else if (m.rows) resolve(rows.length ? rows : m.rows);
        else reject(UNREADABLE[kind]());
      });
    });
    worker.once('error', (e: Error & { code?: string }) =>
      done(() => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? TOO_BIG_TABLE(kind) : UNREADABLE[kind]())),
    );
    worker.once('exit', () => done(() => reject(UNREADABLE[kind]())));
  });
}

const TOO_BIG_TABLE = (kind: FileKind) =>
  kind === 'xlsx' ? TOO_BIG() : new AppError('PAYLOAD_TOO_LARGE', 'Файл CSV слишком велик: разделите список на части');

/** The table of an upload: its rows come from the worker trimmed, as wide as the widest, empty ones dropped. */
export async function readTable(buf: Buffer, kind: FileKind): Promise<Table> {
  const all = await readRows(buf, kind);
  if (all.length < 2)
    throw new AppError('UNPROCESSABLE', 'В файле нет строк с данными: нужна строка заголовков и хотя бы одна строка');
  if (all.length - 1 > LIMITS.rows) throw TOO_MANY_ROWS();
  const headers = all[0].map((h, i) => h || `Столбец ${i + 1}`);
  return { headers, rows: all.slice(1) };
}
