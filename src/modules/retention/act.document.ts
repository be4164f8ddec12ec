import type { Response } from 'express';
import { formatDateTime, formatDay } from '../../lib/dates';
import { pdfDoc, pdfTable, sendPdf, sendXlsx } from '../../lib/exports';
import type { actWithItems } from './retention.repo';

type Act = NonNullable<Awaited<ReturnType<typeof actWithItems>>>;

export const REASON_LABELS: Record<string, string> = {
  RETENTION_EXPIRED: 'Истёк срок хранения после выхода из Профсоюза',
  PROCESSING_WITHDRAWN: 'Отозвано согласие на обработку персональных данных',
};

/** The categories of data an act destroys (the same for every person: what DEPERSONALISE_PERSONS and CLEAR_RELATED do). */
export const CATEGORIES =
  'фамилия, имя, отчество; день и месяц рождения (оставлен год); телефон; адрес электронной почты; СНИЛС; ' +
  'табельный (студенческий) номер; номера и ФИО на членских билетах; примечания и комментарии; данные заявлений ' +
  'о вступлении; сведения в журнале загрузок; исходящие сообщения и подписки на уведомления';
export const SYSTEM_NAME = 'Информационная система «Единый реестр» Общероссийского Профсоюза образования';
export const METHOD =
  'обезличивание: замена ФИО обозначением «Обезличен (ID …)», удаление остальных сведений из базы данных ' +
  '(дата рождения сокращена до года); статистические сведения (организация, категория, даты членства и движения) сохранены';

function who(a: Act): string {
  if (!a.user) return 'Регламентное задание реестра (по расписанию)';
  return `${a.user.fullName} (логин ${a.user.login}), администратор ЦС`;
}

function rows(a: Act) {
  return a.items.map((i, n) => ({
    n: n + 1,
    personId: i.personId,
    reason: REASON_LABELS[i.reason] ?? i.reason,
    basis: formatDay(i.basisDate),
    at: formatDateTime(i.at),
  }));
}

/** The act as PDF: the act itself and the extract from the event log (Приказ Роскомнадзора от 28.10.2022 № 179). */
export function sendActPdf(res: Response, a: Act): void {
  const doc = pdfDoc({ layout: 'landscape' });
  doc.font('bold').fontSize(13).text(`Акт № ${a.act.number} об обезличивании персональных данных`, { align: 'center' });
  doc.moveDown(0.5).font('regular').fontSize(10);
  const lines: [string, string][] = [
    ['Дата и время', `${formatDateTime(a.act.startedAt)} — ${formatDateTime(a.act.finishedAt)}`],
    ['Информационная система', SYSTEM_NAME],
    ['Кто провёл', who(a)],
    [
      'Основание',
      `ст. 5 ч. 7 и ст. 21 ч. 4–5 Федерального закона № 152-ФЗ; срок хранения после выхода: ${a.act.yearsAfterExit} г.`,
    ],
    ['Категории сведений', CATEGORIES],
    ['Способ', METHOD],
    ['Субъектов', String(a.act.personCount)],
  ];
  for (const [k, v] of lines) {
    doc.font('bold').text(`${k}: `, { continued: true }).font('regular').text(v);
  }
  doc.moveDown().font('bold').fontSize(11).text('Выгрузка из журнала регистрации событий');
  doc.moveDown(0.3);
  pdfTable(
    doc,
    [
      { header: '№', width: 36, align: 'right' },
      { header: 'Внутренний идентификатор субъекта', width: 250 },
      { header: 'Причина', width: 290 },
      { header: 'Дата основания', width: 90 },
      { header: 'Обезличено', width: 95 },
    ],
    rows(a).map((r) => [String(r.n), r.personId, r.reason, r.basis, r.at]),
  );
  doc
    .moveDown(2)
    .font('regular')
    .fontSize(10)
    .text('Подпись ответственного за обработку персональных данных: ____________________');
  sendPdf(res, `Акт обезличивания № ${a.act.number}.pdf`, doc);
}

export async function sendActXlsx(res: Response, a: Act): Promise<void> {
  await sendXlsx(
    res,
    `Акт обезличивания № ${a.act.number}.xlsx`,
    `Акт ${a.act.number}`,
    [
      { header: '№', key: 'n', width: 6 },
      { header: 'Внутренний идентификатор субъекта', key: 'personId', width: 40 },
      { header: 'Причина', key: 'reason', width: 50 },
      { header: 'Дата основания', key: 'basis', width: 16 },
      { header: 'Обезличено', key: 'at', width: 20 },
    ],
    rows(a),
    {
      title: `Акт № ${a.act.number} об обезличивании ПД от ${formatDateTime(a.act.startedAt)}; провёл: ${who(a)}; категории: ${CATEGORIES}`,
    },
  );
}
