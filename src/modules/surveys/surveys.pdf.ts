import { formatDateTime } from '../../lib/dates';
import { pdfDoc, pdfTable } from '../../lib/exports';
import type { SurveyResults } from './results';
import type { SurveyFull } from './surveys.repo';

/** A percentage as the union writes it: one decimal, comma, «47,0 %» (already rounded half up from the counts). */
export const pct1 = (p: number) => `${p.toFixed(1).replace('.', ',')} %`;

const BAR_COLUMNS = [
  { header: 'Вариант', width: 300 },
  { header: 'Число', width: 60, align: 'right' as const },
  { header: '%', width: 60, align: 'right' as const },
];

function heading(doc: PDFKit.PDFDocument, text: string) {
  if (doc.y > doc.page.height - doc.page.margins.bottom - 80) doc.addPage();
  doc.font('bold').fontSize(12).text(text, doc.page.margins.left);
  doc.moveDown(0.3);
}

/**
 * The summary of a survey's results as a PDF: per question the counts and percentages with a bar each (drawn by
 * pdfkit, no script), for a test the pass rate and the score distribution, and completion per child organisation
 * (addressed, answered, %). Only counts and organisations: no respondent is named, so an anonymous survey's
 * summary is the same as a named one's. Free texts are counted, not printed (they may name their author).
 */
export function summaryPdf(s: SurveyFull, r: SurveyResults): PDFKit.PDFDocument {
  const doc = pdfDoc();
  doc.font('bold').fontSize(14).text(s.title);
  doc
    .font('regular')
    .fontSize(10)
    .text(
      `${s.kind === 'TEST' ? 'Тест' : 'Опрос'}${s.anonymous ? ', анонимный' : ''}. ` +
        `Ответили ${r.answered} из ${r.addressed} (${pct1(r.percent)}); закрытие ${formatDateTime(s.closesAt)}`,
    );
  if (r.withheld) doc.moveDown(0.5).text(r.withheld);
  if (r.test)
    doc.text(
      `Сдали ${r.test.passed} из ${r.responses} (${pct1(r.test.passedPercent)}), проходной порог ${r.test.passPercent} %, ` +
        `максимум ${r.test.maxScore} балл.`,
    );
  doc.moveDown();

  if (!r.withheld) heading(doc, 'Ответы по вопросам');
  (r.withheld ? [] : r.questions).forEach((q, i) => {
    doc
      .font('bold')
      .fontSize(10)
      .text(`${i + 1}. ${q.text} (ответили ${q.answered})`, doc.page.margins.left);
    if (q.options.length)
      pdfTable(
        doc,
        BAR_COLUMNS,
        q.options.map((o) => [`${o.text}${o.correct ? ' (верный)' : ''}`, String(o.count), pct1(o.percent)]),
        q.options.map((o) => o.percent),
      );
    if (q.stats)
      doc
        .font('regular')
        .fontSize(9)
        .text(`Среднее ${q.stats.avg}, минимум ${q.stats.min}, максимум ${q.stats.max}`, doc.page.margins.left);
    if (q.type === 'TEXT')
      doc.font('regular').fontSize(9).text(`Текстовых ответов: ${q.texts.length}`, doc.page.margins.left);
    doc.moveDown(0.5);
  });

  if (r.test) {
    heading(doc, `Распределение баллов (сдали ${pct1(r.test.passedPercent)})`);
    pdfTable(
      doc,
      [{ ...BAR_COLUMNS[0], header: 'Баллы' }, BAR_COLUMNS[1], BAR_COLUMNS[2]],
      r.test.distribution.map((d) => [String(d.score), String(d.count), pct1(d.percent)]),
      r.test.distribution.map((d) => d.percent),
    );
    doc.moveDown(0.5);
  }

  heading(doc, 'Ответили по организациям');
  const rows = [
    ...(r.own ? [{ name: 'Аппарат публикующей организации', ...r.own }] : []),
    ...r.children.map((c) => ({ name: c.name, addressed: c.addressed, answered: c.answered, percent: c.percent })),
  ];
  pdfTable(
    doc,
    [
      { header: 'Организация', width: 240 },
      { header: 'Адресовано', width: 70, align: 'right' },
      { header: 'Ответили', width: 60, align: 'right' },
      { header: '%', width: 50, align: 'right' },
    ],
    [
      ...rows.map((c) => [c.name, String(c.addressed), String(c.answered), pct1(c.percent)]),
      ['Всего', String(r.addressed), String(r.answered), pct1(r.percent)],
    ],
    [...rows.map((c) => c.percent), r.percent],
  );
  return doc;
}
