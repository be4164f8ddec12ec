import { z } from 'zod';
import { day, optDay, uuid } from '../organisations/organisations.input';
import { BLOCK_REASONS } from './cards.service';

export const orderInput = z
  .object({
    memberIds: z
      .array(uuid, { message: 'memberIds: список идентификаторов' })
      .min(1, { message: 'Выберите хотя бы одного члена Профсоюза' })
      .max(5000)
      .optional(),
    allWithoutCard: z.boolean().optional(),
  })
  .refine((v) => v.allWithoutCard === true || (v.memberIds && v.memberIds.length > 0), {
    message: 'Укажите memberIds или allWithoutCard: true',
    path: ['memberIds'],
  });
export const returnInput = z.object({
  comment: z
    .string({ message: 'Укажите причину возврата' })
    .trim()
    .min(3, { message: 'Укажите причину возврата' })
    .max(1000),
});
export const batchInput = z
  .object({
    orderIds: z.array(uuid).min(1).max(10000).optional(),
    allForwarded: z.boolean().optional(),
  })
  .refine((v) => v.allForwarded === true || (v.orderIds && v.orderIds.length > 0), {
    message: 'Укажите orderIds или allForwarded: true',
    path: ['orderIds'],
  });
export const issueInput = z
  .object({
    cardIds: z.array(uuid).min(1).max(5000).optional(),
    orderId: uuid.optional(),
    date: optDay,
  })
  .refine((v) => v.cardIds || v.orderId, { message: 'Укажите cardIds или orderId', path: ['cardIds'] });
const reasons = Object.keys(BLOCK_REASONS) as [keyof typeof BLOCK_REASONS, ...(keyof typeof BLOCK_REASONS)[]];
export const blockInput = z.object({
  reason: z.enum(reasons, { message: 'Причина: LOST, DAMAGED, EXIT, ERROR или OTHER' }),
});
export const reissueInput = z.object({ reason: z.enum(reasons).default('LOST') });
export const fileQuery = z.object({
  format: z.enum(['xlsx', 'csv'], { message: 'format: xlsx или csv' }).default('xlsx'),
});
export const progressQuery = z.object({
  asOf: optDay,
  format: z.enum(['html', 'xlsx', 'pdf']).optional().catch(undefined),
});
export const verifyQuery = z.object({
  lastName: z.string().max(60).default(''),
  firstName: z.string().max(60).default(''),
  cardNumber: z.string().max(40).default(''),
});
export const orderStatusQuery = z.object({
  status: z
    .enum(['SUBMITTED', 'FORWARDED', 'RETURNED', 'IN_BATCH', 'PRODUCED', 'DELIVERED', 'CLOSED'], {
      message: 'Неизвестный статус заявки',
    })
    .optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});
export { day };
