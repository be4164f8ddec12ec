/**
 * The current code of the demo's second factor (demo-central, demo-regional, demo-viewer), for trying the demo
 * without an authenticator app: npm run demo:code
 */
import { DEMO_TOTP_SECRET } from '../modules/auth/second-factor';
import { totpCode } from '../modules/auth/totp';

void totpCode(DEMO_TOTP_SECRET).then((code) => {
  const left = 30 - (Math.floor(Date.now() / 1000) % 30);
  console.log(`Код: ${code} (действует ещё ${left} с)`);
});
