import multer from 'multer';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from './errors';
import { requireCsrf } from './web';

/**
 * One uploaded file (field "file") held in memory, at most 20 MB. Pages: the CSRF token is checked here, after
 * the multipart body is parsed (the global check skips multipart). The API (bearer tokens) needs none.
 */
export function uploadFile(opts: { csrf: boolean; maxBytes?: number; tooLarge?: string }) {
  const maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
  // Browsers send the file name as UTF-8 without saying so; read as Latin-1 (the parser's default) a Cyrillic name
  // would be stored and shown garbled («Ð¡Ð¿Ð¸ÑÐ¾Ðº.csv» for «Список.csv»).
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 50 },
    defParamCharset: 'utf8',
  });
  return (req: Request, res: Response, next: NextFunction) => {
    upload.single('file')(req, res, (err: unknown) => {
      if (err) {
        const code = (err as { code?: string }).code;
        return next(
          code === 'LIMIT_FILE_SIZE'
            ? new AppError('PAYLOAD_TOO_LARGE', opts.tooLarge ?? 'Файл больше 20 МБ: разделите список на части')
            : new AppError('BAD_REQUEST', 'Файл не принят: нужен один файл в поле «file»'),
        );
      }
      if (opts.csrf)
        return requireCsrf(req, res, (e?: unknown) => {
          // Seen by the route (src/http/route.ts): this multipart body's token was checked.
          if (!e) res.locals.csrfChecked = true;
          next(e);
        });
      next();
    });
  };
}
