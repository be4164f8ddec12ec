/**
 * Builders of organisations, users and members, shared by the demo union and the tests.
 * They write what the services would write (path, registration periods, movements, consents) but in bulk,
 * so that thousands of members load in seconds.
 * Longer than 300 lines on purpose: one builder per kind of record, each mirroring its service's writes, read side
 * by side when a service changes what it writes.
 */
import crypto from 'node:crypto';
import { db } from '../db';
import type {
  Category,
  Gender,
  InstitutionType,
  MovementKind,
  OrgKind,
  Prisma,
  Role,
} from '../generated/prisma/client';
import { toDate } from '../lib/dates';
import { identityKey, nameKey } from '../lib/names';
import { hashPassword } from '../modules/auth/passwords';

export interface BuiltOrg {
  id: string;
  path: string;
  depth: number;
  kind: OrgKind;
  name: string;
}

export async function buildOrg(
  parent: BuiltOrg | null,
  kind: OrgKind,
  o: {
    name?: string;
    shortName?: string;
    id?: string;
    institutionType?: InstitutionType;
    institutionName?: string;
    employeesCount?: number;
    studentsCount?: number;
    hasTerritorialRights?: boolean;
    foundedAt?: string;
  } = {},
): Promise<BuiltOrg> {
  const id = o.id ?? crypto.randomUUID();
  const name = o.name ?? `${kind} ${id.slice(0, 8)}`;
  const path = `${parent?.path ?? '/'}${id}/`;
  await db().organisation.create({
    data: {
      id,
      kind,
      parentId: parent?.id ?? null,
      path,
      depth: (parent?.depth ?? -1) + 1,
      name,
      shortName: o.shortName ?? null,
      nameKey: nameKey(o.shortName ?? name),
      institutionType: o.institutionType ?? null,
      institutionName: o.institutionName ?? null,
      employeesCount: o.employeesCount ?? null,
      studentsCount: o.studentsCount ?? null,
      hasTerritorialRights: o.hasTerritorialRights ?? false,
      foundedAt: o.foundedAt ? toDate(o.foundedAt) : toDate('2000-01-01'),
    },
  });
  return { id, path, depth: (parent?.depth ?? -1) + 1, kind, name };
}

export async function buildOrgsBulk(
  rows: {
    id: string;
    parent: BuiltOrg | null;
    kind: OrgKind;
    name: string;
    shortName?: string;
    institutionType?: InstitutionType;
    institutionName?: string;
    employeesCount?: number;
    studentsCount?: number;
    hasTerritorialRights?: boolean;
  }[],
): Promise<BuiltOrg[]> {
  const built = rows.map((r) => ({
    id: r.id,
    path: `${r.parent?.path ?? '/'}${r.id}/`,
    depth: (r.parent?.depth ?? -1) + 1,
    kind: r.kind,
    name: r.name,
  }));
  await db().organisation.createMany({
    data: rows.map((r, i) => ({
      id: r.id,
      kind: r.kind,
      parentId: r.parent?.id ?? null,
      path: built[i].path,
      depth: built[i].depth,
      name: r.name,
      shortName: r.shortName ?? null,
      nameKey: nameKey(r.shortName ?? r.name),
      institutionType: r.institutionType ?? null,
      institutionName: r.institutionName ?? null,
      employeesCount: r.employeesCount ?? null,
      studentsCount: r.studentsCount ?? null,
      hasTerritorialRights: r.hasTerritorialRights ?? false,
      foundedAt: toDate('2000-01-01'),
    })),
  });
  return built;
}

let cachedHash: { password: string; hash: Promise<string> } | undefined;
function passwordHash(password: string): Promise<string> {
  if (cachedHash?.password !== password) cachedHash = { password, hash: hashPassword(password) };
  return cachedHash.hash;
}

export async function buildUser(
  o: {
    login?: string;
    fullName?: string;
    password?: string;
    isDemo?: boolean;
    ndaAccepted?: boolean;
    /** A second factor already set up with this secret (the demo's central and regional accounts). */
    totpSecret?: string;
    roles?: { role: Role; org: { id: string }; startsOn?: string; endsOn?: string | null }[];
  } = {},
) {
  const login = o.login ?? `user-${crypto.randomUUID().slice(0, 8)}`;
  const user = await db().user.create({
    data: {
      login,
      fullName: o.fullName ?? `Пользователь ${login}`,
      passwordHash: await passwordHash(o.password ?? 'Test-password-1'),
      isDemo: o.isDemo ?? false,
      ndaAcceptedAt: o.ndaAccepted === false ? null : new Date(),
    },
  });
  if (o.totpSecret) await db().secondFactor.create({ data: { userId: user.id, secret: o.totpSecret } });
  for (const r of o.roles ?? []) {
    await db().roleAssignment.create({
      data: {
        userId: user.id,
        organisationId: r.org.id,
        role: r.role,
        startsOn: toDate(r.startsOn ?? '2020-01-01'),
        endsOn: r.endsOn ? toDate(r.endsOn) : null,
      },
    });
  }
  return user;
}

export interface MemberSpec {
  org: { id: string };
  lastName: string;
  firstName: string;
  middleName?: string | null;
  birthDate: string;
  gender?: Gender | null;
  phone?: string | null;
  email?: string | null;
  snils?: string | null;
  category: Category;
  joinedAt: string;
  /** Registered here from (defaults to joinedAt). */
  registeredAt?: string;
  exit?: { date: string; kind: MovementKind };
  /** Came here by transfer from another organisation on `registeredAt`. */
  transferredFrom?: { id: string };
  consents?: { bonusProgramme?: boolean; messaging?: boolean };
  externalId?: string | null;
}

/** Members in bulk: persons, memberships, registration periods, movements, consents in a few statements. */
export async function buildMembers(
  specs: MemberSpec[],
  idGen: () => string = () => crypto.randomUUID(),
): Promise<{ memberId: string; personId: string }[]> {
  const persons: Prisma.PersonCreateManyInput[] = [];
  const members: Prisma.MemberCreateManyInput[] = [];
  const regs: Prisma.RegistrationCreateManyInput[] = [];
  const moves: Prisma.MovementCreateManyInput[] = [];
  const consents: Prisma.ConsentCreateManyInput[] = [];
  const out: { memberId: string; personId: string }[] = [];
  for (const s of specs) {
    const personId = idGen();
    const memberId = idGen();
    out.push({ memberId, personId });
    persons.push({
      id: personId,
      lastName: s.lastName,
      firstName: s.firstName,
      middleName: s.middleName ?? null,
      birthDate: toDate(s.birthDate),
      gender: s.gender ?? null,
      phone: s.phone ?? null,
      email: s.email ?? null,
      snils: s.snils ?? null,
      lastNameKey: nameKey(s.lastName),
      identityKey: identityKey({
        lastName: s.lastName,
        firstName: s.firstName,
        middleName: s.middleName,
        birthDate: s.birthDate,
      }),
    });
    members.push({
      id: memberId,
      personId,
      organisationId: s.org.id,
      category: s.category,
      joinedAt: toDate(s.joinedAt),
      externalId: s.externalId ?? null,
      status: s.exit ? ('EXITED' as const) : ('ACTIVE' as const),
      exitedAt: s.exit ? toDate(s.exit.date) : null,
      exitKind: s.exit?.kind ?? null,
    });
    const from = s.registeredAt ?? s.joinedAt;
    if (s.transferredFrom) {
      regs.push({
        id: idGen(),
        memberId,
        organisationId: s.transferredFrom.id,
        category: s.category,
        validFrom: toDate(s.joinedAt),
        validTo: toDate(from),
        startKind: 'JOINED' as const,
        endKind: 'TRANSFER_OUT' as const,
      });
      moves.push({
        id: idGen(),
        memberId,
        kind: 'JOINED' as const,
        date: toDate(s.joinedAt),
        organisationId: s.transferredFrom.id,
      });
      moves.push({
        id: idGen(),
        memberId,
        kind: 'TRANSFER_OUT' as const,
        date: toDate(from),
        organisationId: s.transferredFrom.id,
        otherOrganisationId: s.org.id,
      });
      moves.push({
        id: idGen(),
        memberId,
        kind: 'TRANSFER_IN' as const,
        date: toDate(from),
        organisationId: s.org.id,
        otherOrganisationId: s.transferredFrom.id,
      });
    } else {
      moves.push({ id: idGen(), memberId, kind: 'JOINED' as const, date: toDate(from), organisationId: s.org.id });
    }
    regs.push({
      id: idGen(),
      memberId,
      organisationId: s.org.id,
      category: s.category,
      validFrom: toDate(from),
      validTo: s.exit ? toDate(s.exit.date) : null,
      startKind: s.transferredFrom ? ('TRANSFER_IN' as const) : ('JOINED' as const),
      endKind: s.exit?.kind ?? null,
    });
    if (s.exit)
      moves.push({ id: idGen(), memberId, kind: s.exit.kind, date: toDate(s.exit.date), organisationId: s.org.id });
    consents.push({
      id: idGen(),
      personId,
      kind: 'PROCESSING' as const,
      givenAt: toDate(s.joinedAt),
      textVersion: '2026-01',
    });
    if (s.consents?.bonusProgramme)
      consents.push({
        id: idGen(),
        personId,
        kind: 'BONUS_PROGRAMME' as const,
        givenAt: toDate(s.joinedAt),
        textVersion: '2026-01',
      });
    if (s.consents?.messaging)
      consents.push({
        id: idGen(),
        personId,
        kind: 'MESSAGING' as const,
        givenAt: toDate(s.joinedAt),
        textVersion: '2026-01',
      });
  }
  const CHUNK = 2000;
  await db().$transaction(
    async (tx) => {
      for (let i = 0; i < persons.length; i += CHUNK) await tx.person.createMany({ data: persons.slice(i, i + CHUNK) });
      for (let i = 0; i < members.length; i += CHUNK) await tx.member.createMany({ data: members.slice(i, i + CHUNK) });
      for (let i = 0; i < regs.length; i += CHUNK) await tx.registration.createMany({ data: regs.slice(i, i + CHUNK) });
      for (let i = 0; i < moves.length; i += CHUNK) await tx.movement.createMany({ data: moves.slice(i, i + CHUNK) });
      for (let i = 0; i < consents.length; i += CHUNK)
        await tx.consent.createMany({ data: consents.slice(i, i + CHUNK) });
    },
    { timeout: 120_000 },
  );
  return out;
}

/** A random birth date 1970–1998 (9,744 days): the default when a test does not care. */
function anyBirthDate(): string {
  const [a, b, c] = crypto.randomBytes(3);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${1970 + (a % 29)}-${pad(1 + (b % 12))}-${pad(1 + (c % 28))}`;
}

export async function buildMember(spec: Partial<MemberSpec> & { org: { id: string } }) {
  const letters = 'абвгдежзиклмнопрстуфхцчшэюя';
  const suffix = Array.from(crypto.randomBytes(5), (b) => letters[b % letters.length]).join('');
  // Tests share one database: a fixed surname with a random birth date can meet an earlier person of the same
  // identity. When the caller left the birth date to us, such a meeting is ours to avoid: draw another one.
  for (let attempt = 0; ; attempt++) {
    try {
      const [r] = await buildMembers([
        {
          lastName: spec.lastName ?? `Тест${suffix}`,
          firstName: spec.firstName ?? `Иван`,
          middleName: spec.middleName ?? 'Петрович',
          birthDate: spec.birthDate ?? anyBirthDate(),
          category: spec.category ?? 'WORKING',
          joinedAt: spec.joinedAt ?? '2015-09-01',
          ...spec,
        },
      ]);
      return r;
    } catch (e) {
      const clash = (e as { code?: string }).code === 'P2002' && String((e as Error).message).includes('identityKey');
      if (!clash || spec.birthDate || attempt >= 5) throw e;
    }
  }
}

export async function isEmpty(): Promise<boolean> {
  return (await db().organisation.count()) === 0;
}
