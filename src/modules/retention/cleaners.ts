import type { Prisma } from '../../generated/prisma/client';

/**
 * Statements of other modules that hold values addressed to a person (the outbox, push subscriptions, member
 * sign-in codes): each runs in the depersonalisation transaction over dep_batch (id, phone, email). Registered by
 * those modules at load, so that this module imports none of them.
 */
const cleaners: Prisma.Sql[] = [];

export function registerCleaner(sql: Prisma.Sql): void {
  cleaners.push(sql);
}

export function extraCleaners(): readonly Prisma.Sql[] {
  return cleaners;
}
