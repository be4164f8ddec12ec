import ExcelJS from 'exceljs';
import { z } from 'zod';
import { memberIdsWhere, membersForExport } from './members.repo';
import type { Category, MovementKind } from '../../generated/prisma/client';
import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type Ctx, type FormFields, type RouteDef, route } from '../../http/route';
import { dayProblem, formatDay, parseDay, today } from '../../lib/dates';
import { neutralise } from '../../lib/exports';
import { nameKey } from '../../lib/names';
import type { Action } from '../../policy/rules';
import { audit } from '../audit/audit.repo';
import { findVisible, searchVisible, type OrgRow } from '../organisations/organisations.repo';
import { LEVELS } from '../organisations/levels';
import { submitOrder } from '../cards/orders.service';
import { EXIT_LABELS } from './members.input';
import { CATEGORY_LABELS } from './members.presenter';
import { bulkCategory, bulkExit, bulkTransfer } from './bulk.service';

const OPS = {
  transfer: { label: 'Перевести в другую организацию', action: 'member.transfer' },
  exit: { label: 'Снять с учёта', action: 'member.exit' },
  category: { label: 'Изменить категорию', action: 'member.update' },
  cards: { label: 'Заказать пластиковые билеты', action: 'card.order' },
  export: { label: 'Выгрузить в Excel', action: 'member.export' },
} as const satisfies Record<string, { label: string; action: Action }>;
type Op = keyof typeof OPS;
const MAX = 100_000;

/** The selection: ticked ids, or "all matching the filter" — always re-checked against the org's subtree. */
async function resolveSelection(org: OrgRow, body: Record<string, unknown>): Promise<string[]> {
  const ids = (Array.isArray(body.ids) ? body.ids : body.ids ? [body.ids] : []).filter(
    (x): x is string => typeof x === 'string' && /^[0-9a-f-]{36}$/.test(x),
  );
  const q = typeof body.q === 'string' ? body.q.trim() : '';
  const category = ['WORKING', 'STUDENT', 'PENSIONER'].includes(String(body.category))
    ? (String(body.category) as Category)
    : undefined;
  const where = {
    status: 'ACTIVE' as const,
    organisation: { path: { startsWith: org.path } },
    ...(body.all === 'on'
      ? {
          ...(category ? { category } : {}),
          ...(q
            ? /^\d+$/.test(q)
              ? { cards: { some: { number: { startsWith: q } } } }
              : { person: { lastNameKey: { startsWith: nameKey(q) } } }
            : {}),
        }
      : { id: { in: ids } }),
  };
  const rows = await memberIdsWhere(where, MAX + 1);
  if (rows.length > MAX) throw new AppError('PAYLOAD_TOO_LARGE', `Выбрано больше ${MAX} человек: сузьте условия`);
  return rows.map((r) => r.id);
}

async function loadListOrg(ctx: Ctx<unknown, unknown, FormFields>) {
  const orgId = z.string().uuid().safeParse(ctx.body.org);
  const org = orgId.success ? await findVisible(ctx.actor, orgId.data) : null;
  if (!org) throw new AppError('NOT_FOUND');
  return org;
}

const carry = (body: Record<string, unknown>) => ({
  org: body.org,
  q: body.q ?? '',
  category: body.category ?? '',
  all: body.all === 'on' ? 'on' : '',
  ids: Array.isArray(body.ids) ? body.ids : body.ids ? [body.ids] : [],
});

export function bulkPages(): RouteDef[] {
  const confirm = (op: Op): RouteDef =>
    route({
      method: 'post',
      path: `/members/bulk/${op}`,
      kind: 'page',
      action: OPS[op].action,
      async handler(ctx) {
        const org = await loadListOrg(ctx);
        ctx.authorize(org.path);
        const ids = await resolveSelection(org, ctx.body);
        const back = `/members?org=${org.id}`;
        if (!ids.length) {
          ctx.req.session.flash = 'Никто не выбран';
          return ctx.res.redirect(303, back);
        }
        if (ctx.body.confirmed !== String(ids.length)) return renderConfirm(ctx, org, op, ids.length, {}, 200);
        const date = parseDay(String(ctx.body.date ?? '')) ?? '';
        try {
          let n = 0;
          if (op === 'export') return await exportMembers(ctx, org, ids);
          if (op !== 'cards' && !date)
            throw new AppError('BAD_REQUEST', undefined, {
              date: dayProblem(String(ctx.body.date ?? '')) ?? 'Введите дату',
            });
          if (op === 'exit') {
            const reason = (Object.keys(EXIT_LABELS) as MovementKind[]).find((k) => k === ctx.body.reason);
            if (!reason) throw new AppError('BAD_REQUEST', undefined, { reason: 'Выберите причину' });
            n = await bulkExit(ctx.actor, org.id, ids, reason, date);
          } else if (op === 'transfer') {
            const target = z.string().uuid().safeParse(ctx.body.toOrgId).success
              ? await findVisible(ctx.actor, String(ctx.body.toOrgId))
              : null;
            if (!target || !LEVELS[target.kind].holdsMembers || !ctx.allows('member.transfer', target.path))
              throw new AppError('BAD_REQUEST', undefined, { toOrgId: 'Выберите организацию из списка' });
            n = await bulkTransfer(ctx.actor, org.id, ids, target, date);
          } else if (op === 'category') {
            const cat = ['WORKING', 'STUDENT', 'PENSIONER'].find((x) => x === ctx.body.newCategory) as
              Category | undefined;
            if (!cat) throw new AppError('BAD_REQUEST', undefined, { newCategory: 'Выберите категорию' });
            n = await bulkCategory(ctx.actor, org.id, ids, cat, date);
          } else if (op === 'cards') {
            if (org.kind !== 'PRIMARY')
              throw new AppError('BAD_REQUEST', undefined, {
                _: 'Билеты заказываются из списка первичной организации',
              });
            const r = await submitOrder(ctx.actor, org, { memberIds: ids });
            n = r.count;
          }
          ctx.req.session.flash = `${OPS[op].label}: выполнено для ${n}`;
          ctx.res.redirect(303, back);
        } catch (e) {
          if (e instanceof AppError && e.status < 500)
            return renderConfirm(ctx, org, op, ids.length, e.fields ?? { _: e.message }, e.status);
          throw e;
        }
      },
    });
  return (Object.keys(OPS) as Op[]).map(confirm);
}

async function renderConfirm(
  ctx: Ctx<unknown, unknown, FormFields>,
  org: OrgRow,
  op: Op,
  count: number,
  errors: Record<string, string>,
  status: number,
) {
  const targets =
    op === 'transfer'
      ? (await searchVisible(ctx.actor, '', ['PRIMARY', 'PROFBURO', 'PROFGROUP'], 300)).filter((o) =>
          ctx.allows('member.transfer', o.path),
        )
      : [];
  await renderPage(
    ctx.res,
    'members/bulk-confirm',
    {
      title: OPS[op].label,
      op,
      opLabel: OPS[op].label,
      count,
      org: { id: org.id, name: org.shortName ?? org.name },
      carry: carry(ctx.body),
      errors,
      values: {
        date: ctx.body.date ?? formatDay(today()),
        reason: ctx.body.reason ?? '',
        newCategory: ctx.body.newCategory ?? '',
        toOrgId: ctx.body.toOrgId ?? '',
      },
      exitOptions: [
        { value: '', label: '— выберите —' },
        ...Object.entries(EXIT_LABELS).map(([value, label]) => ({ value, label })),
      ],
      categoryOptions: [
        { value: '', label: '— выберите —' },
        ...Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label })),
      ],
      targetOptions: [
        { value: '', label: '— выберите —' },
        ...targets.map((o) => ({ value: o.id, label: o.shortName ?? o.name })),
      ],
      noTargets: op === 'transfer' && targets.length === 0,
    },
    status,
  );
}

/** Streamed XLSX: rows are written as they are read, 2,000 at a time; the sheet is never held whole in memory. */
async function exportMembers(ctx: Ctx, org: OrgRow, ids: string[]) {
  await audit(ctx.actor, {
    action: 'member.exported',
    organisationId: org.id,
    rowCount: ids.length,
    details: { disclosure: 'members-xlsx' },
  });
  ctx.res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  ctx.res.setHeader(
    'Content-Disposition',
    `attachment; filename*=UTF-8''${encodeURIComponent(`chleny-${today()}.xlsx`)}`,
  );
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: ctx.res, useSharedStrings: false });
  const ws = wb.addWorksheet('Члены Профсоюза');
  ws.columns = [
    { header: 'Фамилия', key: 'l', width: 20 },
    { header: 'Имя', key: 'f', width: 16 },
    { header: 'Отчество', key: 'm', width: 20 },
    { header: 'Дата рождения', key: 'b', width: 14 },
    { header: 'Категория', key: 'c', width: 22 },
    { header: 'В Профсоюзе с', key: 'j', width: 14 },
    { header: 'Организация', key: 'o', width: 40 },
    { header: 'Телефон', key: 'p', width: 18 },
    { header: 'Эл. почта', key: 'e', width: 26 },
  ];
  for (let i = 0; i < ids.length; i += 2000) {
    const part = await membersForExport(ids.slice(i, i + 2000));
    for (const m of part) {
      ws.addRow({
        l: neutralise(m.person.lastName),
        f: neutralise(m.person.firstName),
        m: neutralise(m.person.middleName ?? ''),
        b: formatDay(m.person.birthDate),
        c: CATEGORY_LABELS[m.category],
        j: formatDay(m.joinedAt),
        o: neutralise(m.organisation.shortName ?? m.organisation.name),
        p: neutralise(m.person.phone ?? ''),
        e: neutralise(m.person.email ?? ''),
      }).commit();
    }
  }
  ws.commit();
  await wb.commit();
}
