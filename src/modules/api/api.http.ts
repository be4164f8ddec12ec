/** What the core API's resources share: paging, the personal-data obligation, partial bodies. */
import { z } from 'zod';
import { AppError } from '../../http/errors';
import type { Ctx } from '../../http/route';

export const paging = {
  page: z.coerce.number().int().min(1, { message: 'page ≥ 1' }).default(1),
  pageSize: z.coerce.number().int().min(1).max(500, { message: 'pageSize не больше 500' }).default(50),
};
export const pageOf = <T>(items: T[], page: number, pageSize: number, total: number) => ({
  items,
  page,
  pageSize,
  total,
});

/** Personal data through the API too needs the non-disclosure obligation accepted (in the profile). */
export function requireNda(ctx: Ctx) {
  if (!ctx.actor.ndaAcceptedAt)
    throw new AppError(
      'FORBIDDEN',
      'Примите обязательство о неразглашении персональных данных в профиле (раздел «Профиль»)',
    );
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
