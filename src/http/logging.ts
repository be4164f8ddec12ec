import type { IncomingMessage } from 'node:http';
import crypto from 'node:crypto';
import pino from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

interface Raw {
  raw?: IncomingMessage & { originalUrl?: string; route?: { path?: string } };
}

/**
 * One JSON line per request: method, path (never the query string: a search holds names), status, time.
 * No headers (cookies, tokens), no bodies, no error messages (they may quote a value).
 */
export function requestLogger(level: string, destination?: pino.DestinationStream): HttpLogger {
  const logger = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, destination);
  return pinoHttp({
    logger,
    genReqId: () => crypto.randomUUID(),
    quietReqLogger: true,
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    serializers: {
      req: (r: Raw & { id?: unknown; method?: string }) => {
        const raw = r.raw;
        const url = raw?.originalUrl ?? raw?.url ?? '';
        return { id: r.id, method: r.method, path: url.split('?')[0], route: raw?.route?.path };
      },
      res: (r: { statusCode?: number }) => ({ status: r.statusCode }),
      err: (e: { type?: string; name?: string }) => ({ type: e.type ?? e.name ?? 'Error' }),
    },
  });
}
