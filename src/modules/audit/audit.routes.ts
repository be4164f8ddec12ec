import { z } from 'zod';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import type { RouteDef } from '../../http/route';
import { isAdmin } from '../../policy/actor';
import { findVisible } from '../organisations/organisations.repo';
import { idParams } from '../organisations/organisations.input';
import { auditPage, type AuditAction } from './audit.repo';

/** Every audit action named in Russian: `Record<AuditAction, …>` makes a new action fail to compile until it has one. */
export const AUDIT_LABELS: Record<AuditAction, string> = {
  login: 'Вход',
  'login.failed': 'Неудачный вход',
  logout: 'Выход',
  'access.denied': 'Отказ в доступе',
  'token.created': 'Выпущен токен API',
  'token.revoked': 'Отозван токен API',
  'token.failed': 'Неудачный выпуск токена',
  'nda.accepted': 'Принято обязательство о неразглашении',
  'password.changed': 'Смена пароля',
  'org.created': 'Создана организация',
  'org.updated': 'Изменён паспорт',
  'org.excluded': 'Организация исключена',
  'member.viewed': 'Просмотр карточки члена',
  'member.listed': 'Просмотр списка членов',
  'member.created': 'Постановка на учёт',
  'member.updated': 'Изменение данных члена',
  'member.exited': 'Снятие с учёта',
  'member.transferred': 'Перевод',
  'transfer.requested': 'Запрос на перевод',
  'transfer.approved': 'Запрос на перевод одобрен',
  'transfer.declined': 'Запрос на перевод отклонён',
  'member.exported': 'Выгрузка персональных данных',
  'consent.changed': 'Изменение согласия',
  'position.changed': 'Изменение должности',
  'user.created': 'Создан пользователь',
  'user.updated': 'Изменён пользователь',
  'role.assigned': 'Назначена роль',
  'role.ended': 'Завершены полномочия',
  'role.handover': 'Передача полномочий',
  'user.disabled': 'Пользователь отключён',
  'card.ordered': 'Заказ билетов',
  'card.order.forwarded': 'Заявка на билеты передана выше',
  'card.order.returned': 'Заявка на билеты возвращена',
  'card.order.resubmitted': 'Заявка на билеты отправлена повторно',
  'card.order.delivered': 'Билеты переданы вниз',
  'card.order.closed': 'Заявка на билеты закрыта',
  'card.batch.created': 'Создана партия билетов',
  'card.batch.produced': 'Партия билетов изготовлена',
  'card.batch.delivered': 'Партия билетов доставлена',
  'card.batch.exported': 'Выгрузка файла партии',
  'card.issued': 'Выдача билета',
  'card.virtual': 'Выпуск виртуального билета',
  'card.blocked': 'Блокировка билета',
  'card.reissued': 'Перевыпуск билета',
  'card.viewed': 'Просмотр билета',
  'verify.checked': 'Проверка билета',
  'report.saved': 'Отчёт сохранён',
  'report.submitted': 'Отчёт отправлен',
  'report.accepted': 'Отчёт принят',
  'report.returned': 'Отчёт возвращён',
  'report.campaign': 'Отчётная кампания',
  'report.template': 'Шаблон формы отчёта',
  'import.created': 'Загрузка файла импорта',
  'import.run': 'Импорт выполнен',
  'import.undone': 'Импорт отменён',
  'event.created': 'Создано мероприятие',
  'event.participants': 'Список ожидаемых участников',
  'event.checkin': 'Отметка на мероприятии',
  'event.exported': 'Выгрузка явки',
  'bonus.exported': 'Выгрузка бонусной программы',
  'report.exported': 'Выгрузка отчёта',
  'document.published': 'Опубликован документ',
  'document.versioned': 'Новая редакция документа',
  'document.superseded': 'Документ заменён',
  'library.section': 'Раздел библиотеки',
  'survey.published': 'Опубликован опрос',
  'survey.updated': 'Изменён опрос',
  'survey.copied': 'Опрос скопирован',
  'survey.answered': 'Ответ на опрос',
  'survey.exported': 'Выгрузка результатов опроса',
  'member.code.sent': 'Отправлен код входа члену Профсоюза',
  'member.signin': 'Вход члена Профсоюза',
  'member.signin.failed': 'Неудачный вход члена Профсоюза',
  'member.signout': 'Выход члена Профсоюза',
  'member.token.created': 'Выпущен токен члена Профсоюза',
  'member.request': 'Обращение члена Профсоюза',
  'member.request.closed': 'Обращение закрыто',
  'member.data.exported': 'Выгрузка своих данных членом Профсоюза',
  'retention.settings': 'Сроки хранения изменены',
  'retention.run': 'Обезличивание',
  'retention.act.exported': 'Выгрузка акта обезличивания',
  'message.created': 'Сообщение членам',
  'message.unsubscribed': 'Отписка от сообщений',
  'announcement.drafted': 'Черновик объявления',
  'announcement.published': 'Опубликовано объявление',
  'announcement.edited': 'Изменено объявление',
  'announcement.archived': 'Объявление снято',
  'announcement.reminded': 'Напоминание об объявлении',
};

export function auditLabel(action: string): string {
  return (AUDIT_LABELS as Record<string, string>)[action] ?? 'Другое действие';
}

export function auditPages(): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/orgs/:id/audit',
      kind: 'page',
      action: 'audit.view',
      params: idParams,
      query: z.object({
        page: z.coerce.number().int().min(1).catch(1).default(1),
        action: z.string().max(40).optional().catch(undefined),
      }),
      async handler(ctx) {
        const org = await findVisible(ctx.actor, ctx.params.id);
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        const q: unknown = ctx.query.action;
        const action = typeof q === 'string' && q in AUDIT_LABELS ? q : undefined;
        // Logins and token events belong to no organisation: only the central administrator sees them.
        const { rows, total } = await auditPage({
          path: org.path,
          includeUnscoped: isAdmin(ctx.actor) && org.kind === 'CENTRAL',
          page: ctx.query.page,
          pageSize: 100,
          action,
        });
        await renderPage(ctx.res, 'audit/list', {
          title: 'Журнал действий',
          org: { id: org.id, name: org.shortName ?? org.name },
          // An action the code no longer writes is still shown in words, never as its code.
          rows: rows.map((r) => ({ ...r, label: auditLabel(r.action) })),
          actions: [
            { value: '', label: 'Все действия' },
            ...Object.entries(AUDIT_LABELS).map(([value, label]) => ({ value, label })),
          ],
          filters: { action: action ?? '' },
          page: ctx.query.page,
          pageSize: 100,
          total,
        });
      },
    },
  ];
}
