import { db } from '../../db';

export async function findEvent(id: string) {
  return db().event.findUnique({ where: { id }, include: {} });
}

export async function eventsOf(orgId: string) {
  return db().event.findMany({
    where: { organisationId: orgId },
    orderBy: { date: 'desc' },
    take: 100,
    include: { _count: { select: { checkins: true, expected: true } } },
  });
}

export async function checkinList(eventId: string) {
  return db()
    .checkin.findMany({
      where: { eventId },
      orderBy: { at: 'desc' },
      select: { id: true, at: true, memberId: true, cardId: true },
    })
    .then(async (rows) => {
      const members = await db().member.findMany({
        where: { id: { in: rows.map((r) => r.memberId) } },
        include: { person: true, organisation: { select: { name: true, shortName: true, path: true } } },
      });
      const by = new Map(members.map((m) => [m.id, m]));
      return rows.map((r) => ({ ...r, member: by.get(r.memberId)! }));
    });
}

export async function expectedList(eventId: string) {
  const rows = await db().eventParticipant.findMany({ where: { eventId } });
  const members = await db().member.findMany({
    where: { id: { in: rows.map((r) => r.memberId) } },
    include: { person: true },
  });
  return members;
}

export async function isDeclaredParticipant(eventId: string, memberId: string): Promise<boolean> {
  return (await db().eventParticipant.count({ where: { eventId, memberId } })) > 0;
}
