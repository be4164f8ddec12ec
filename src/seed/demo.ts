/**
 * The demo union: the central council, the 35 regional organisations of the 2020 pilot (their real
 * names, from prisma/data/table1_members_in_registry_2020-05-01.csv), territorial and primary
 * organisations of every institution type, and members at 1/100 of each region's count, with
 * realistic names, categories, dates, transfers and exits. Deterministic: the same union every time.
 * Longer than 300 lines on purpose: the order of loading (tree, people, cards, campaigns, informing) is the story
 * of the demo and reads top to bottom; the pieces it loads live in their own seed files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Category, InstitutionType, MovementKind } from '../generated/prisma/client';
import { addDays, today } from '../lib/dates';
import { buildMembers, buildOrg, buildOrgsBulk, buildUser, type BuiltOrg, type MemberSpec } from './builders.repo';
import {
  DOUBLE_SURNAMES,
  FEMALE_NAMES,
  INVARIANT_SURNAMES,
  MALE_NAMES,
  PATRONYMIC_ROOTS,
  SURNAMES,
  feminineSurname,
  patronymic,
} from './names.data';
import { Rng } from './random';
import { buildIssuedCards, buildOrdersInEveryState, historicBatch } from './cards.demo.repo';
import { buildActivists, buildCampaign } from './reports.demo.repo';
import { buildInformingDemo } from './informing.demo.repo';
import { buildDemoMembers } from './members.demo.repo';
import { buildDemoMessage } from './messages.demo.repo';
import { loadShippedTemplates } from '../modules/reports/reports.repo';
import { buildLibraryDemo } from './library.demo.repo';
import { buildSurveysDemo } from './surveys.demo.repo';
import { DEMO_TOTP_SECRET } from '../modules/auth/second-factor';

export const DEMO_PASSWORD = 'Reestr-demo-2026';
export { DEMO_TOTP_SECRET };
/** The logins that also ask for the code of the second factor (central and regional levels). */
export const DEMO_TOTP_LOGINS = ['demo-central', 'demo-regional', 'demo-viewer'];
export const DEMO_LOGINS = [
  { login: 'demo-central', role: 'администратор ЦС' },
  { login: 'demo-regional', role: 'председатель Краснодарской краевой организации' },
  { login: 'demo-territorial', role: 'председатель территориальной организации (Краснодарский край)' },
  { login: 'demo-primary', role: 'председатель первичной организации (школа)' },
  { login: 'demo-viewer', role: 'наблюдатель Краснодарской краевой организации' },
];

const CSV = path.resolve(__dirname, '../../prisma/data/table1_members_in_registry_2020-05-01.csv');

export function readRegions(): { name: string; members: number }[] {
  const lines = fs.readFileSync(CSV, 'utf8').trim().split(/\r?\n/).slice(1);
  const seen = new Set<string>();
  const out: { name: string; members: number }[] = [];
  for (const line of lines) {
    const m = /^\d+,"(.+)",(\d+)$/.exec(line.trim());
    if (!m || seen.has(m[1])) continue; // the source lists its last region twice
    seen.add(m[1]);
    out.push({ name: m[1], members: Number(m[2]) });
  }
  return out;
}

const CITY_PARTS = ['Центральная', 'Северная', 'Заречная', 'Приморская', 'Горная', 'Степная', 'Лесная', 'Озёрная'];
const TYPES: { type: InstitutionType; label: (n: number) => string; weight: number; category: Category }[] = [
  { type: 'OO', label: (n) => `МБОУ СОШ №\u00a0${n}`, weight: 40, category: 'WORKING' },
  { type: 'DOO', label: (n) => `МБДОУ детский сад №\u00a0${n}`, weight: 30, category: 'WORKING' },
  { type: 'UDO', label: (n) => `МБУ ДО Дом детского творчества №\u00a0${n}`, weight: 8, category: 'WORKING' },
  { type: 'POO', label: (n) => `ГБПОУ педагогический колледж №\u00a0${n}`, weight: 8, category: 'STUDENT' },
  { type: 'AUTHORITY', label: () => 'Управление образования администрации района', weight: 4, category: 'WORKING' },
  { type: 'SCIENCE', label: (n) => `Научно-методический центр №\u00a0${n}`, weight: 2, category: 'WORKING' },
  { type: 'OTHER', label: (n) => `Центр психолого-педагогической помощи №\u00a0${n}`, weight: 3, category: 'WORKING' },
];

function pickType(rng: Rng) {
  const total = TYPES.reduce((s, t) => s + t.weight, 0);
  let x = rng.next() * total;
  for (const t of TYPES) {
    x -= t.weight;
    if (x < 0) return t;
  }
  return TYPES[0];
}

function shortRegion(name: string) {
  return name.replace(' организация Профсоюза', '').replace(' межрегиональная', ' межрегиональная');
}

function person(rng: Rng, category: Category, t: string) {
  const female = rng.chance(category === 'STUDENT' ? 0.7 : 0.8); // the education sector is mostly women
  const r = rng.next();
  const base = r < 0.03 ? rng.pick(DOUBLE_SURNAMES) : r < 0.1 ? rng.pick(INVARIANT_SURNAMES) : rng.pick(SURNAMES);
  const lastName = female && !INVARIANT_SURNAMES.includes(base) ? feminineSurname(base) : base;
  const firstName = female ? rng.pick(FEMALE_NAMES) : rng.pick(MALE_NAMES);
  const middleName = rng.chance(0.97) ? patronymic(rng.pick(PATRONYMIC_ROOTS), female) : null;
  const year = Number(t.slice(0, 4));
  const age = category === 'STUDENT' ? rng.int(17, 23) : category === 'PENSIONER' ? rng.int(60, 84) : rng.int(22, 64);
  const birthDate = rng.day(`${year - age - 1}-01-01`, `${year - age - 1}-12-28`);
  const earliestJoin = `${Number(birthDate.slice(0, 4)) + (category === 'STUDENT' ? 17 : 21)}-09-01`;
  const joinedAt = rng.day(earliestJoin < '1990-01-01' ? '1990-01-01' : earliestJoin, addDays(t, -30));
  return {
    lastName,
    firstName,
    middleName,
    birthDate,
    gender: female ? ('FEMALE' as const) : ('MALE' as const),
    joinedAt,
  };
}

export async function seedDemo(log: (m: string) => void = () => {}): Promise<void> {
  const rng = new Rng(20200501);
  const t = today();
  const central = await buildOrg(null, 'CENTRAL', {
    id: rng.uuid(),
    name: 'Общероссийский Профсоюз образования',
    shortName: 'Центральный Совет Профсоюза',
  });
  const regions = readRegions();
  const specs: MemberSpec[] = [];
  const chairsOf: Record<string, BuiltOrg> = {};
  const primariesByRegion: BuiltOrg[][] = [];
  let demoTerritorialPrimaries: BuiltOrg[] = [];
  let seq = 1;
  for (const [ri, reg] of regions.entries()) {
    const region = await buildOrg(central, 'REGIONAL', {
      id: rng.uuid(),
      name: reg.name,
      shortName: shortRegion(reg.name),
    });
    if (ri === 0) chairsOf.regional = region;
    const target = Math.max(1, Math.round(reg.members / 100));
    const nTerr = Math.min(6, Math.max(1, Math.ceil(target / 350)));
    const terrRows = Array.from({ length: nTerr }, (_, i) => ({
      id: rng.uuid(),
      parent: region,
      kind: 'TERRITORIAL' as const,
      name: `${CITY_PARTS[i % CITY_PARTS.length]} районная организация Профсоюза (${shortRegion(reg.name)})`,
      shortName: `${CITY_PARTS[i % CITY_PARTS.length]} районная (${shortRegion(reg.name).split(' ')[0]})`,
    }));
    const terrs = await buildOrgsBulk(terrRows);
    if (ri === 0) chairsOf.territorial = terrs[0];
    // A university with territorial rights, directly under the region, with a faculty profburo and a group.
    const uni = await buildOrg(region, 'PRIMARY', {
      id: rng.uuid(),
      name: `ППО студентов и работников университета (${shortRegion(reg.name)})`,
      institutionType: 'OOVO',
      hasTerritorialRights: true,
      studentsCount: 900,
      employeesCount: 250,
    });
    const faculty = await buildOrg(uni, 'PROFBURO', { id: rng.uuid(), name: 'Профбюро педагогического факультета' });
    const group = await buildOrg(faculty, 'PROFGROUP', { id: rng.uuid(), name: 'Профгруппа 1 курса' });
    const primaries: { org: BuiltOrg; category: Category; size: number }[] = [];
    const regionPrimaries: BuiltOrg[] = [uni];
    primariesByRegion.push(regionPrimaries);
    let left = target;
    // Members of the university: about 15 % of the region, most of them students.
    const uniCount = Math.max(1, Math.round(target * 0.15));
    primaries.push({ org: uni, category: 'WORKING', size: Math.ceil(uniCount * 0.3) });
    primaries.push({ org: faculty, category: 'STUDENT', size: Math.ceil(uniCount * 0.4) });
    primaries.push({ org: group, category: 'STUDENT', size: Math.ceil(uniCount * 0.3) });
    left -= uniCount;
    for (const [ti, terr] of terrs.entries()) {
      const share = ti === terrs.length - 1 ? left : Math.floor(left / (terrs.length - ti));
      left -= share;
      const nPrim = Math.max(1, Math.round(share / 35));
      const rows = Array.from({ length: nPrim + 1 }, () => {
        const tp = pickType(rng);
        const n = seq++;
        return {
          id: rng.uuid(),
          parent: terr,
          kind: 'PRIMARY' as const,
          name: `Первичная профсоюзная организация ${tp.label(n)}`,
          shortName: `ППО ${tp.label(n)}`,
          institutionType: tp.type,
          institutionName: tp.label(n),
          employeesCount: rng.int(20, 120),
          studentsCount: tp.type === 'POO' ? rng.int(300, 900) : undefined,
          tp,
        };
      });
      const built = await buildOrgsBulk(rows);
      regionPrimaries.push(...built);
      // The last primary of each territorial has entered no members yet: "not started".
      for (let i = 0; i < nPrim; i++) {
        primaries.push({
          org: built[i],
          category: rows[i].tp.category,
          size: Math.floor(share / nPrim) + (i < share % nPrim ? 1 : 0),
        });
      }
      if (ri === 0 && ti === 0) {
        const school = built.findIndex((b, i) => rows[i].tp.type === 'OO' && i < nPrim);
        chairsOf.primary = built[school >= 0 ? school : 0];
        demoTerritorialPrimaries = [
          chairsOf.primary,
          ...built.slice(0, nPrim).filter((b) => b.id !== chairsOf.primary.id),
        ];
      }
    }
    for (const p of primaries) {
      for (let i = 0; i < p.size; i++) {
        const category: Category =
          p.category === 'STUDENT'
            ? rng.chance(0.9)
              ? 'STUDENT'
              : 'WORKING'
            : rng.chance(0.06)
              ? 'PENSIONER'
              : 'WORKING';
        const who = person(rng, category, t);
        const spec: MemberSpec = {
          org: p.org,
          category,
          ...who,
          consents: { bonusProgramme: rng.chance(0.4), messaging: rng.chance(0.6) },
        };
        if (rng.chance(0.5))
          spec.phone = `+7 9${rng.int(10, 99)} ${rng.int(100, 999)}-${rng.int(10, 99)}-${rng.int(10, 99)}`;
        if (category === 'STUDENT') spec.externalId = `С-${rng.int(100000, 999999)}`;
        const r = rng.next();
        if (r < 0.05) {
          const kinds: MovementKind[] =
            category === 'STUDENT'
              ? ['EXIT_GRADUATED', 'EXIT_VOLUNTARY']
              : ['EXIT_VOLUNTARY', 'EXIT_DISMISSED', 'EXIT_DIED'];
          spec.exit = {
            kind: rng.pick(kinds),
            date: rng.day(
              addDays(t, -700) > who.joinedAt ? addDays(t, -700) : addDays(who.joinedAt, 1),
              addDays(t, -1),
            ),
          };
          if (spec.exit.date <= who.joinedAt) delete spec.exit;
        } else if (r < 0.08 && primaries.length > 1) {
          const from = rng.pick(primaries).org;
          if (from.id !== p.org.id) {
            spec.transferredFrom = from;
            spec.registeredAt = rng.day(addDays(who.joinedAt, 1), addDays(t, -10));
          }
        }
        specs.push(spec);
      }
    }
  }
  log(`Демо: ${specs.length} членов Профсоюза, запись…`);
  await buildMembers(specs, () => rng.uuid());
  // The card exchange: the first pilot regions well advanced, the rest starting; the demo school's area in every state.
  log('Демо: профсоюзные билеты…');
  const busy = new Set(demoTerritorialPrimaries.map((p) => p.id));
  const pilotBatch = await historicBatch(addDays(t, -520));
  for (const [ri, prims] of primariesByRegion.entries()) {
    const share = ri < 10 ? 0.75 : ri < 25 ? 0.4 : 0.1;
    await buildIssuedCards(
      rng,
      pilotBatch,
      prims.filter((p) => !busy.has(p.id) && rng.chance(0.85)),
      share,
      addDays(t, -500),
      addDays(t, -30),
    );
  }
  await buildOrdersInEveryState(central, demoTerritorialPrimaries);
  await buildDemoMembers(chairsOf.primary);
  log('Демо: профсоюзный актив и отчётная кампания…');
  await buildActivists(rng, chairsOf.regional.path);
  await loadShippedTemplates();
  await buildCampaign(Number(t.slice(0, 4)), chairsOf.regional, chairsOf.territorial);
  await buildUser({
    login: 'demo-central',
    totpSecret: DEMO_TOTP_SECRET,
    fullName: 'Администратор ЦС (демо)',
    password: DEMO_PASSWORD,
    isDemo: true,
    ndaAccepted: false,
    roles: [{ role: 'ADMIN', org: central }],
  });
  await buildUser({
    login: 'demo-regional',
    totpSecret: DEMO_TOTP_SECRET,
    fullName: 'Председатель краевой организации (демо)',
    password: DEMO_PASSWORD,
    isDemo: true,
    ndaAccepted: false,
    roles: [{ role: 'CHAIR', org: chairsOf.regional }],
  });
  await buildUser({
    login: 'demo-territorial',
    fullName: 'Председатель районной организации (демо)',
    password: DEMO_PASSWORD,
    isDemo: true,
    ndaAccepted: false,
    roles: [{ role: 'CHAIR', org: chairsOf.territorial }],
  });
  const primaryChair = await buildUser({
    login: 'demo-primary',
    fullName: 'Председатель ППО школы (демо)',
    password: DEMO_PASSWORD,
    isDemo: true,
    ndaAccepted: false,
    roles: [{ role: 'CHAIR', org: chairsOf.primary }],
  });
  await buildDemoMessage(chairsOf.primary, primaryChair);
  await buildUser({
    login: 'demo-viewer',
    totpSecret: DEMO_TOTP_SECRET,
    fullName: 'Наблюдатель (демо)',
    password: DEMO_PASSWORD,
    isDemo: true,
    ndaAccepted: false,
    roles: [{ role: 'VIEWER', org: chairsOf.regional }],
  });
  await buildInformingDemo(central, { regional: chairsOf.regional, territorial: chairsOf.territorial }, DEMO_PASSWORD);
  await buildLibraryDemo(central).then(() => buildSurveysDemo(central));
}
