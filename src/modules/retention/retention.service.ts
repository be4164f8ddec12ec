import { addDays, today, type Day } from '../../lib/dates';
import type { Actor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import {
  createAct,
  depersonaliseBatch,
  dropEmptyAct,
  dueCounts,
  finishAct,
  retentionYears,
  saveRetentionYears,
} from './retention.repo';

/** A withdrawn processing consent is acted on after this many days (152-ФЗ ст. 21 ч. 5: within 30 days). */
export const WITHDRAWAL_DAYS = 30;
const BATCH = 5000;

/** The last day whose exits are past the retention period as of `on`. */
export function retentionCutoff(on: Day, years: number): Day {
  const [y, m, d] = on.split('-').map(Number);
  const dt = new Date(Date.UTC(y - years, m - 1, d));
  // 29 February minus whole years lands on 1 March in a common year: step back to 28 February.
  if (dt.getUTCMonth() !== m - 1) dt.setUTCDate(0);
  return dt.toISOString().slice(0, 10);
}

export async function duePreview(on: Day = today()) {
  const years = await retentionYears();
  const cutoff = retentionCutoff(on, years);
  const withdrawnBy = addDays(on, -WITHDRAWAL_DAYS);
  return { years, cutoff, withdrawnBy, counts: await dueCounts(cutoff, withdrawnBy) };
}

export async function updateRetention(actor: Actor, years: number): Promise<void> {
  const before = await retentionYears();
  await saveRetentionYears(years, actor.userId);
  await audit(actor, {
    action: 'retention.settings',
    entity: 'RetentionSetting',
    entityId: '1',
    details: { yearsBefore: before, yearsAfter: years },
  });
}

/**
 * One run: depersonalises everyone due as of `on`, batch by batch (one transaction each, so a large run never holds
 * millions of rows locked at once and a killed run keeps what it finished), and records them in one act. A scheduled
 * run that found no one leaves no act; a manual run always leaves one (the administrator sees that it ran).
 */
export async function runDepersonalisation(
  actor: Actor,
  opts: { trigger: 'SCHEDULE' | 'MANUAL'; on?: Day; batchSize?: number },
): Promise<{ actId: string | null; count: number }> {
  const on = opts.on ?? today();
  const years = await retentionYears();
  const cutoff = retentionCutoff(on, years);
  const withdrawnBy = addDays(on, -WITHDRAWAL_DAYS);
  const act = await createAct(opts.trigger, actor.userId, years);
  const size = opts.batchSize ?? BATCH;
  let count = 0;
  for (;;) {
    const n = await depersonaliseBatch(act.id, cutoff, withdrawnBy, size);
    count += n;
    if (n < size) break;
  }
  if (count === 0 && opts.trigger === 'SCHEDULE') {
    await dropEmptyAct(act.id);
    return { actId: null, count };
  }
  await finishAct(act.id);
  await audit(actor, {
    action: 'retention.run',
    entity: 'DepersonalisationAct',
    entityId: act.id,
    rowCount: count,
    details: { trigger: opts.trigger, yearsAfterExit: years, cutoff, withdrawnBy },
  });
  return { actId: act.id, count };
}
