import type { Response } from 'express';
import { formatDateTime, formatDay } from '../../lib/dates';
import { pdfDoc, sendPdf } from '../../lib/exports';
import type { MemberData } from './me.presenter';

/** «Мои данные» as a PDF (DejaVu: Cyrillic), the same model as the page. */
export function sendDataPdf(res: Response, d: MemberData): void {
  const doc = pdfDoc();
  const h = (t: string) => doc.moveDown(0.6).font('bold').fontSize(12).text(t).font('regular').fontSize(10);
  const line = (t: string) => doc.text(t);
  const none = (list: unknown[]) => list.length === 0 && line('— нет —');
  doc.font('bold').fontSize(15).text('Сведения о персональных данных члена Профсоюза');
  doc.font('regular').fontSize(9).text(`Общероссийский Профсоюз образования · по ст. 14 Федерального закона № 152-ФЗ`);
  doc.text(`Сформировано ${formatDateTime(new Date())}`);
  const p = d.person;
  h('Личные данные');
  line(`ФИО: ${[p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ')}`);
  line(`Дата рождения: ${formatDay(p.birthDate)}`);
  line(`Телефон: ${p.phone ?? '—'}; электронная почта: ${p.email ?? '—'}; СНИЛС: ${p.snils ?? '—'}`);
  h('Членство');
  none(d.memberships);
  for (const m of d.memberships)
    line(
      `${m.organisation}: ${m.category}, с ${formatDay(m.joinedAt)}, ${m.status}${m.exitedAt ? ` ${formatDay(m.exitedAt)}` : ''}`,
    );
  h('Учёт по организациям');
  none(d.registrations);
  for (const r of d.registrations)
    line(`${r.organisation}: ${r.category}, ${formatDay(r.from)} — ${r.to ? formatDay(r.to) : 'по наст. время'}`);
  h('Движение');
  none(d.movements);
  for (const m of d.movements) line(`${formatDay(m.date)}: ${m.kind}${m.organisation ? `, ${m.organisation}` : ''}`);
  h('Выборные должности');
  none(d.positions);
  for (const x of d.positions)
    line(`${x.title}, ${x.organisation}: ${formatDay(x.from)} — ${x.to ? formatDay(x.to) : 'по наст. время'}`);
  h('Профсоюзные билеты');
  none(d.cards);
  for (const c of d.cards)
    line(`№ ${c.number}, ${c.form}, ${c.status}${c.issuedAt ? `, выдан ${formatDay(c.issuedAt)}` : ''}`);
  h('Уведомления на устройствах (web push)');
  none(d.pushDevices);
  for (const x of d.pushDevices) line(`Устройство подписано ${formatDay(x.subscribedAt)}`);
  h('Согласия');
  for (const c of d.consents)
    line(
      `${c.label}: ${c.given ? `дано ${formatDay(c.givenAt)}` : c.withdrawnAt ? `отозвано ${formatDay(c.withdrawnAt)}` : 'не давалось'}${c.textVersion ? ` (редакция текста ${c.textVersion})` : ''}`,
    );
  h('Кто в Профсоюзе обращался к вашей записи');
  none(d.access);
  for (const a of d.access)
    line(`${formatDateTime(new Date(a.at))}: ${a.what} — ${a.role}${a.organisation ? `, ${a.organisation}` : ''}`);
  h('Передача данных партнёрам');
  none(d.disclosures);
  for (const x of d.disclosures) line(`${formatDateTime(new Date(x.at))}: ${x.to} — ${x.what}`);
  sendPdf(res, 'moi-dannye.pdf', doc);
}
