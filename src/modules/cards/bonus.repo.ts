import { db } from '../../db';
import { BONUS_COUNTS_BY_CHILD_SQL, BONUS_EXPORT_SQL } from './bonus.sql';

/** Members with consent (2) in force and an issued card: the partner's list. */
export async function bonusExportRows() {
  return db().$queryRaw<
    {
      lastName: string;
      firstName: string;
      middleName: string | null;
      card: string;
      phone: string | null;
      email: string | null;
    }[]
  >(BONUS_EXPORT_SQL);
}

/** Participants (consent in force) per child organisation, with the members registered today. */
export async function bonusCountsByChild(org: { id: string; path: string }, asOf: string) {
  const rows = await db().$queryRaw<{ id: string; name: string; members: bigint; participants: bigint }[]>(
    BONUS_COUNTS_BY_CHILD_SQL(org.id, asOf),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    members: Number(r.members),
    participants: Number(r.participants),
  }));
}
