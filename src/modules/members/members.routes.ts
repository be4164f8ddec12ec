import { AppError } from '../../http/errors';
import { renderPage } from '../../http/render';
import { type RouteDef, route } from '../../http/route';
import { today } from '../../lib/dates';
import { fullName } from '../../lib/names';
import { scopePaths, type Actor } from '../../policy/actor';
import type { Action } from '../../policy/rules';
import { audit } from '../audit/audit.repo';
import { LEVELS } from '../organisations/levels';
import { ancestors, findVisible, rootsOf, type OrgRow } from '../organisations/organisations.repo';
import { crumbs } from '../organisations/organisations.presenter';
import { listQuery } from './members.input';
import { listMembers } from './list.repo';
import { CATEGORY_LABELS, categoryOptions } from './members.presenter';
import { ndaGate } from './members.http';
import { newMemberPages } from './member-new.routes';
import { memberRecordPages } from './member.routes';
import { consentPages } from './consents.routes';
import { positionPages } from './positions.routes';

/**
 * The member pages, in the order they are mounted (fixed paths such as /orgs/:id/members/new before the ones
 * with a member's id): the list (here), a new member (member-new.routes.ts), one member's card and its changes
 * (member.routes.ts), consents (consents.routes.ts) and positions (positions.routes.ts).
 */
export function memberPages(): RouteDef[] {
  return [...memberListPages(), ...newMemberPages(), ...memberRecordPages(), ...consentPages(), ...positionPages()];
}

async function defaultOrgFor(actor: Actor, action: Action): Promise<OrgRow | null> {
  const paths = scopePaths(actor, action);
  if (paths === 'all') return null;
  const roots = await rootsOf(actor);
  return roots.find((r) => paths.includes(r.path)) ?? null;
}

function memberListPages(): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/members',
      kind: 'page',
      action: 'member.list',
      query: listQuery,
      async handler(ctx) {
        const q = ctx.query;
        const org = q.org ? await findVisible(ctx.actor, q.org) : await defaultOrgFor(ctx.actor, 'member.list');
        if (!org) throw new AppError('NOT_FOUND');
        ctx.authorize(org.path);
        if (!ndaGate(ctx)) return;
        const asOf = q.asOf ?? today();
        const { rows, total } = await listMembers(org.path, { ...q, asOf });
        await audit(ctx.actor, { action: 'member.listed', organisationId: org.id, rowCount: rows.length });
        await renderPage(ctx.res, 'members/list', {
          title: `Члены Профсоюза: ${org.shortName ?? org.name}`,
          org: { id: org.id, name: org.shortName ?? org.name, holdsMembers: LEVELS[org.kind].holdsMembers },
          crumbs: crumbs(await ancestors(ctx.actor, org), org),
          canCreate: LEVELS[org.kind].holdsMembers && ctx.allows('member.create', org.path),
          filters: { org: org.id, q: q.q ?? '', category: q.category ?? '', asOf, sort: q.sort, pageSize: q.pageSize },
          categoryOptions: [{ value: '', label: 'Все категории' }, ...categoryOptions.slice(1)],
          rows: rows.map((r) => ({
            id: r.memberId,
            fullName: fullName(r.member.person),
            birthDate: r.member.person.birthDate,
            category: CATEGORY_LABELS[r.category],
            joinedAt: r.member.joinedAt,
            org: r.organisation.shortName ?? r.organisation.name,
            card: r.member.cards[0]?.number ?? '',
          })),
          page: q.page,
          pageSize: q.pageSize,
          total,
          bulkOps: [
            ['transfer', 'Перевести', 'member.transfer'],
            ['exit', 'Снять с учёта', 'member.exit'],
            ['category', 'Изменить категорию', 'member.update'],
            ['cards', 'Заказать билеты', 'card.order'],
            ['export', 'Выгрузить в Excel', 'member.export'],
          ]
            .filter(([v, , a]) => ctx.allows(a as Action, org.path) && (v !== 'cards' || org.kind === 'PRIMARY'))
            .map(([value, label]) => ({ value, label })),
        });
      },
    }),
  ];
}
