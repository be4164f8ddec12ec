import type { ZodError } from 'zod';

export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'DUPLICATE_PERSON'
  | 'STALE_VERSION'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE'
  | 'TOO_MANY_REQUESTS'
  | 'CSRF'
  | 'INTERNAL';

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE_PERSON: 409,
  STALE_VERSION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  TOO_MANY_REQUESTS: 429,
  CSRF: 403,
  INTERNAL: 500,
};

const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Проверьте введённые данные',
  UNAUTHENTICATED: 'Войдите в систему',
  FORBIDDEN: 'Недостаточно прав для этого действия',
  NOT_FOUND: 'Не найдено',
  CONFLICT: 'Конфликт с существующими данными',
  DUPLICATE_PERSON: 'Этот человек уже состоит в Профсоюзе',
  STALE_VERSION: 'Запись уже изменил другой пользователь. Откройте её заново и повторите правку',
  PAYLOAD_TOO_LARGE: 'Слишком большой запрос',
  UNSUPPORTED_MEDIA_TYPE: 'Неподдерживаемый формат данных',
  UNPROCESSABLE: 'Действие невозможно',
  TOO_MANY_REQUESTS: 'Слишком много попыток. Подождите немного и попробуйте снова',
  CSRF: 'Форма устарела. Обновите страницу и отправьте её снова',
  INTERNAL: 'Внутренняя ошибка. Мы уже знаем о ней',
};

/** The one application error: a code mapped to a status and a Russian message. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly fields?: Record<string, string>,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message ?? DEFAULT_MESSAGE[code]);
    this.status = STATUS[code];
  }
}

export const notFound = (message?: string) => new AppError('NOT_FOUND', message);
export const forbidden = (message?: string) => new AppError('FORBIDDEN', message);

/** Zod issues as {field: message}, the first message per field. */
export function fieldErrors(err: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}

export function badRequest(fields: Record<string, string>, message?: string): AppError {
  return new AppError('BAD_REQUEST', message, fields);
}
