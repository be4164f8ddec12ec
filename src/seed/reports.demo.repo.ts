/**
 * Статотчётность of the demo union: chairs and профкомы in the primaries, and an open campaign in which the
 * demo territorial organisation's primaries have reports in every state and the other territorials of the
 * region have accepted consolidated reports.
 */
import { db } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { toDate } from '../lib/dates';
import { SYSTEM_ACTOR } from '../policy/actor';
import { insertCampaign } from '../modules/reports/reports.repo';
import {
  acceptReport,
  ensureReport,
  returnReport,
  saveEntered,
  submitReport,
} from '../modules/reports/reports.service';
import { computeReport, definitionOf } from '../modules/reports/figures';
import type { Rng } from './random';

/** A chair (with tenure) and a few профком members for every primary organisation that has members. */
export async function buildActivists(rng: Rng, regionPath: string) {
  const primaries = await db().organisation.findMany({
    where: { path: { startsWith: regionPath }, kind: 'PRIMARY' },
    select: { id: true },
  });
  const rows: {
    personId: string;
    organisationId: string;
    kind: 'CHAIR' | 'COMMITTEE_MEMBER' | 'SAFETY_REPRESENTATIVE' | 'AUDIT_COMMISSION_MEMBER';
    startDate: Date;
    isPaid: boolean;
    isElected: boolean;
  }[] = [];
  for (const p of primaries) {
    const members = await db().member.findMany({
      where: { organisationId: p.id, status: 'ACTIVE' },
      select: { personId: true, joinedAt: true },
      take: 6,
      orderBy: { joinedAt: 'asc' },
    });
    if (!members.length) continue;
    const start = (j: Date) =>
      toDate(
        rng.day(
          j.toISOString().slice(0, 10) < '2008-01-01' ? '2008-01-01' : j.toISOString().slice(0, 10),
          '2025-06-01',
        ),
      );
    rows.push({
      personId: members[0].personId,
      organisationId: p.id,
      kind: 'CHAIR',
      startDate: start(members[0].joinedAt),
      isPaid: rng.chance(0.1),
      isElected: true,
    });
    members.slice(1, 4).forEach((m) =>
      rows.push({
        personId: m.personId,
        organisationId: p.id,
        kind: 'COMMITTEE_MEMBER',
        startDate: start(m.joinedAt),
        isPaid: false,
        isElected: true,
      }),
    );
    if (members[4])
      rows.push({
        personId: members[4].personId,
        organisationId: p.id,
        kind: 'SAFETY_REPRESENTATIVE',
        startDate: start(members[4].joinedAt),
        isPaid: false,
        isElected: true,
      });
    if (members[5])
      rows.push({
        personId: members[5].personId,
        organisationId: p.id,
        kind: 'AUDIT_COMMISSION_MEMBER',
        startDate: start(members[5].joinedAt),
        isPaid: false,
        isElected: true,
      });
  }
  for (let i = 0; i < rows.length; i += 2000) await db().position.createMany({ data: rows.slice(i, i + 2000) });
}

type Org = Prisma.OrganisationGetPayload<object>;

/** Fills a report's entered cells plausibly (employees at least the working members) and saves it. */
async function draft(campaign: { id: string; status: string; reportDate: Date }, org: Org) {
  const report = await ensureReport(campaign.id, org);
  const c = await computeReport(org, campaign, report);
  const def = definitionOf(report.template);
  const v = c.values;
  const entered: Record<string, number> = {};
  for (const s of def.sections)
    for (const r of s.rows)
      for (const [col, cell] of Object.entries(r.cells)) {
        if (!('entered' in cell)) continue;
        const k = `${r.code}.${col}`;
        // A consolidating organisation enters only its own apparatus' figures.
        if (org.kind !== 'PRIMARY') {
          entered[k] = r.code === '01' ? 3 : 0;
          continue;
        }
        if (r.code === '01')
          entered[k] = Math.max(org.employeesCount ?? 0, (v['02.v'] ?? 0) + 5 + ((v['02.v'] ?? 0) >> 2));
        else if (r.code === '06') entered[k] = Math.max(org.studentsCount ?? 0, (v['07.v'] ?? 0) + 20);
        else if (r.code === '4B') entered[k] = v['40.v'] ?? 0;
        else entered[k] = 0;
      }
  await saveEntered(SYSTEM_ACTOR, campaign, report, def, entered);
  return ensureReport(campaign.id, org);
}

export async function buildCampaign(year: number, region: { id: string }, demoTerritorial: { id: string }) {
  const campaign = await insertCampaign({
    title: `Статистическая отчётность на 01.01.${year}`,
    reportDate: `${year}-01-01`,
    deadline: `${year}-12-15`,
  });
  const sys = SYSTEM_ACTOR;
  const territorials = await db().organisation.findMany({
    where: { parentId: region.id, kind: 'TERRITORIAL' },
    orderBy: { nameKey: 'asc' },
  });
  for (const terr of territorials) {
    const prims = await db().organisation.findMany({
      where: { parentId: terr.id, kind: 'PRIMARY' },
      orderBy: { nameKey: 'asc' },
    });
    if (terr.id === demoTerritorial.id) {
      // Every state: accepted, submitted, returned, draft, not started.
      for (const [i, p] of prims.entries()) {
        const state = i % 5;
        if (state === 4) continue;
        const r = await draft(campaign, p);
        if (state === 3) continue;
        try {
          await submitReport(sys, campaign, p, r);
        } catch {
          continue;
        }
        const s = await ensureReport(campaign.id, p);
        if (state === 0) await acceptReport(sys, campaign, p, s);
        if (state === 2)
          await returnReport(
            sys,
            campaign,
            p,
            s,
            'Проверьте численность работников (строка 01): она меньше, чем в прошлом году',
          );
      }
      await draft(campaign, terr);
      continue;
    }
    // The other territorials: all their primaries accepted, their consolidated 2СП accepted by the region.
    for (const p of prims) {
      const r = await draft(campaign, p);
      try {
        await submitReport(sys, campaign, p, r);
        await acceptReport(sys, campaign, p, await ensureReport(campaign.id, p));
      } catch {
        /* a failing check leaves it a draft */
      }
    }
    const t = await draft(campaign, terr);
    try {
      await submitReport(sys, campaign, terr, t);
      await acceptReport(sys, campaign, terr, await ensureReport(campaign.id, terr));
    } catch {
      /* draft */
    }
  }
}
