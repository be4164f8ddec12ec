import { z } from 'zod';
import { AppError } from '../../http/errors';
import { type RouteDef, route } from '../../http/route';
import { fromDate, today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { audit } from '../audit/audit.repo';
import { findVisible } from '../organisations/organisations.repo';
import { idParams, optDay } from '../organisations/organisations.input';
import { loadOrg } from '../organisations/organisations.routes';
import { createMemberApi, exitInput, listQuery, patchMemberApi, transferInput } from '../members/members.input';
import { listMembers } from '../members/list.repo';
import { loadMemberFor } from '../members/members.http';
import { memberJson } from '../members/members.presenter';
import { createMember, updateMember } from '../members/members.service';
import { exitMember, transferMember } from '../members/movements.service';
import { pageOf, paging, requireNda, stripUndefined } from './api.http';

/** Members: the list of a subtree, registering, one member, changes, exit and transfer. */
export function memberApi(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:id/members',
      kind: 'api',
      action: 'member.list',
      tag: 'Члены Профсоюза',
      summary: 'Члены Профсоюза поддерева на дату',
      params: idParams,
      query: z.object({
        q: z.string().max(60).optional(),
        category: z
          .enum(['WORKING', 'STUDENT', 'PENSIONER'], { message: 'category: WORKING, STUDENT или PENSIONER' })
          .optional(),
        asOf: optDay,
        sort: listQuery.shape.sort,
        ...paging,
      }),
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        requireNda(ctx);
        const asOf = ctx.query.asOf ?? today();
        const { rows, total } = await listMembers(org.path, { ...ctx.query, asOf });
        await audit(ctx.actor, {
          action: 'member.listed',
          organisationId: org.id,
          rowCount: rows.length,
          details: { via: 'api' },
        });
        ctx.res.json(
          pageOf(
            rows.map((r) => ({
              id: r.memberId,
              lastName: r.member.person.lastName,
              firstName: r.member.person.firstName,
              middleName: r.member.person.middleName,
              fullName: fullName(r.member.person),
              birthDate: fromDate(r.member.person.birthDate),
              category: r.category,
              joinedAt: fromDate(r.member.joinedAt),
              organisationId: r.organisationId,
              cardNumber: r.member.cards[0]?.number ?? null,
            })),
            ctx.query.page,
            ctx.query.pageSize,
            total,
          ),
        );
      },
    }),
    route({
      method: 'post',
      path: '/orgs/:id/members',
      kind: 'api',
      action: 'member.create',
      tag: 'Члены Профсоюза',
      summary: 'Поставить на учёт',
      status: 201,
      params: idParams,
      body: createMemberApi,
      async handler(ctx) {
        const org = await loadOrg(ctx, ctx.params.id);
        requireNda(ctx);
        if (ctx.body.consents.processing !== true)
          throw new AppError(
            'UNPROCESSABLE',
            'Без согласия на обработку персональных данных поставить на учёт нельзя',
            { 'consents.processing': 'Нужно согласие на обработку персональных данных' },
          );
        const m = await createMember(ctx.actor, org, ctx.body);
        ctx.res.status(201).json(memberJson(m));
      },
    }),
    route({
      method: 'get',
      path: '/members/:id',
      kind: 'api',
      action: 'member.view',
      tag: 'Члены Профсоюза',
      summary: 'Член Профсоюза',
      params: idParams,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        await audit(ctx.actor, {
          action: 'member.viewed',
          entity: 'Member',
          entityId: m.id,
          organisationId: m.organisationId,
          details: { via: 'api' },
        });
        ctx.res.json(memberJson(m));
      },
    }),
    route({
      method: 'patch',
      path: '/members/:id',
      kind: 'api',
      action: 'member.update',
      tag: 'Члены Профсоюза',
      summary: 'Изменить (version обязательна; устаревшая → 409)',
      params: idParams,
      body: patchMemberApi,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        const { version, ...rest } = ctx.body;
        const updated = await updateMember(ctx.actor, m, version, stripUndefined(rest));
        ctx.res.json(memberJson(updated));
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/exit',
      kind: 'api',
      action: 'member.exit',
      tag: 'Члены Профсоюза',
      summary: 'Снять с учёта (выход, исключение, выбытие)',
      params: idParams,
      body: exitInput,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        ctx.res.json(
          memberJson(await exitMember(ctx.actor, m, undefined, ctx.body.reason, ctx.body.date, ctx.body.note)),
        );
      },
    }),
    route({
      method: 'post',
      path: '/members/:id/transfer',
      kind: 'api',
      action: 'member.transfer',
      tag: 'Члены Профсоюза',
      summary: 'Перевести в другую организацию',
      params: idParams,
      body: transferInput,
      async handler(ctx) {
        const m = await loadMemberFor(ctx, ctx.params.id);
        requireNda(ctx);
        const target = await findVisible(ctx.actor, ctx.body.toOrgId);
        if (!target) throw new AppError('NOT_FOUND', 'Организация назначения не найдена');
        if (!ctx.allows('member.transfer', target.path)) throw new AppError('FORBIDDEN');
        ctx.res.json(memberJson(await transferMember(ctx.actor, m, undefined, target, ctx.body.date)));
      },
    }),
  ];
}
