import { config } from '../../config';
import { userActor } from '../../policy/actor';
import { audit } from '../audit/audit.repo';
import { findUserForLogin } from './auth.repo';
import { dummyHash, verifyPassword } from './passwords';

/**
 * The user a login and password sign in, or null (the failure audited). An unknown login costs the same hash as
 * a known one, so timing does not tell which logins exist.
 */
export async function checkLogin(login: string, password: string): Promise<{ id: string } | null> {
  const user = await findUserForLogin(login);
  const ok = user
    ? await verifyPassword(user.passwordHash, password)
    : (await verifyPassword(await dummyHash(), password), false);
  // Demo accounts and their published password work only on the embedded demo database.
  if (!user || !ok || !user.active || (user.isDemo && !config.demoMode)) {
    await audit(user ? userActor(user.id, 'session') : null, {
      action: 'login.failed',
      outcome: 'FAILED',
      details: { known: !!user },
    });
    return null;
  }
  return { id: user.id };
}
