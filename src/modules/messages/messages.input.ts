import { z } from 'zod';

const channel = z.enum(['EMAIL', 'SMS', 'PUSH'], { message: 'Выберите способ: EMAIL, SMS или PUSH' });
const category = z.enum(['WORKING', 'STUDENT', 'PENSIONER'], {
  message: 'Категория: WORKING, STUDENT или PENSIONER',
});
const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** POST /api/v1/orgs/:id/messages and the page form (where an empty category means every member). */
export const messageInput = z
  .object({
    channel,
    subject: z.preprocess(
      emptyToUndefined,
      z.string().trim().max(200, { message: 'Тема: не длиннее 200 символов' }).optional(),
    ),
    text: z
      .string({ message: 'Напишите текст сообщения' })
      .trim()
      .min(1, { message: 'Напишите текст сообщения' })
      .max(5000, { message: 'Текст: не длиннее 5000 символов' }),
    category: z.preprocess(emptyToUndefined, category.optional()),
  })
  .superRefine((v, ctx) => {
    if (v.channel === 'SMS' && v.text.length > 500)
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'SMS: не длиннее 500 символов' });
  });
export type MessageForm = z.infer<typeof messageInput>;

/** The preview needs only the channel and the category. */
export const previewInput = z.object({
  channel: z.preprocess((v) => v ?? 'EMAIL', channel),
  category: z.preprocess(emptyToUndefined, category.optional()),
});
