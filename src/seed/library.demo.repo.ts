/**
 * The demo union's library: sections and a few documents published by the central council, two of them with
 * several versions (PDFs with Russian text made by pdfkit, so that search finds words inside them).
 */
import { SYSTEM_ACTOR } from '../policy/actor';
import { createSection } from '../modules/library/library.service';
import { addVersion, markSuperseded, publishDocument } from '../modules/library/library.service';
import type { Audience } from '../modules/audience/audience.input';
import { pdfWithText } from './library.files';

const ALL: Audience = { kinds: [], roles: [], orgIds: [], members: false };

export async function buildLibraryDemo(central: { id: string; path: string }) {
  const normative = await createSection(SYSTEM_ACTOR, central.id, 'Нормативные документы', undefined);
  const methodical = await createSection(SYSTEM_ACTOR, central.id, 'Методические материалы', undefined);
  const ustav = await publishDocument(
    SYSTEM_ACTOR,
    central,
    {
      title: 'Устав Общероссийского Профсоюза образования',
      kind: 'NORMATIVE',
      number: '1',
      date: '2020-03-16',
      section: normative.id,
    },
    ALL,
    {
      buffer: await pdfWithText('Устав Профсоюза', [
        'Глава 1. Общие положения. Профсоюз объединяет работников образования.',
        'Членство в Профсоюзе подтверждается профсоюзным билетом.',
      ]),
      originalname: 'Устав.pdf',
    },
  );
  await addVersion(
    SYSTEM_ACTOR,
    { id: ustav.id, organisationId: central.id },
    'Изменения, принятые съездом: электронный профсоюзный билет',
    {
      buffer: await pdfWithText('Устав Профсоюза (редакция 2025 года)', [
        'Глава 1. Общие положения. Профсоюз объединяет работников образования.',
        'Членство подтверждается профсоюзным билетом, в том числе электронным.',
      ]),
      originalname: 'Устав-2025.pdf',
    },
  );
  const guide = await publishDocument(
    SYSTEM_ACTOR,
    central,
    {
      title: 'Методические рекомендации по ведению единого реестра',
      kind: 'METHODICAL',
      date: '2025-09-01',
      section: methodical.id,
    },
    { ...ALL, kinds: ['PRIMARY', 'TERRITORIAL', 'REGIONAL'] },
    {
      buffer: await pdfWithText('Как вести реестр', [
        'Председатель первичной организации вносит сведения о членах Профсоюза и выдаёт билеты.',
        'Ежеквартально проверяйте списки: выбывшие отмечаются с датой и причиной.',
      ]),
      originalname: 'Рекомендации по реестру.pdf',
    },
  );
  for (const [n, note] of [
    [2, 'Добавлен раздел о выдаче электронных билетов'],
    [3, 'Уточнены сроки сдачи статистического отчёта'],
  ] as const) {
    await addVersion(SYSTEM_ACTOR, { id: guide.id, organisationId: central.id }, note, {
      buffer: await pdfWithText(`Как вести реестр (редакция ${n})`, [
        'Председатель первичной организации вносит сведения о членах Профсоюза и выдаёт билеты.',
        note,
      ]),
      originalname: `Рекомендации по реестру, ред. ${n}.pdf`,
    });
  }
  const ticket = await publishDocument(
    SYSTEM_ACTOR,
    central,
    {
      title: 'Положение о профсоюзном билете',
      kind: 'NORMATIVE',
      number: '7-П',
      date: '2024-05-20',
      section: normative.id,
    },
    ALL,
    {
      buffer: await pdfWithText('Положение о профсоюзном билете', ['Билет выдаётся члену Профсоюза бесплатно.']),
      originalname: 'Положение о билете.pdf',
    },
  );
  // The previous regulation stays in the library, marked as replaced by the current one.
  const oldTicket = await publishDocument(
    SYSTEM_ACTOR,
    central,
    {
      title: 'Положение о профсоюзном билете (2018)',
      kind: 'NORMATIVE',
      number: '3-П',
      date: '2018-03-14',
      section: normative.id,
    },
    ALL,
    {
      buffer: await pdfWithText('Положение о профсоюзном билете (2018)', ['Билет оформляется на бумажном бланке.']),
      originalname: 'Положение о билете 2018.pdf',
    },
  );
  await markSuperseded(SYSTEM_ACTOR, { id: oldTicket.id, organisationId: central.id }, { by: ticket.id });
}
