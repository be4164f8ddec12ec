/**
 * TOTP (RFC 6238) through otplib's own packages with Node's crypto and a small Base32: otplib's default plugins
 * (@noble, @scure) are ES modules only, which the CommonJS build and the tests cannot load.
 */
import crypto from 'node:crypto';
import { createBase32Plugin, createCryptoPlugin, generateSecret } from '@otplib/core';
import { generate, verify } from '@otplib/totp';
import { generateTOTP } from '@otplib/uri';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function encode(data: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function decode(s: string): Uint8Array {
  const clean = s.toUpperCase().replace(/[\s=]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of clean) {
    const i = ALPHABET.indexOf(c);
    if (i < 0) throw new Error('Base32: invalid character');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

const plugins = {
  crypto: createCryptoPlugin({
    name: 'node',
    hmac: (algorithm, key, data) => new Uint8Array(crypto.createHmac(algorithm, key).update(data).digest()),
    randomBytes: (n) => new Uint8Array(crypto.randomBytes(n)),
  }),
  base32: createBase32Plugin({ name: 'rfc4648', encode, decode }),
};

export const totpSecret = (): string => generateSecret(plugins);
export const totpCode = (secret: string, epoch?: number): Promise<string> => generate({ secret, epoch, ...plugins });
export const totpUri = (issuer: string, label: string, secret: string): string =>
  generateTOTP({ issuer, label, secret });

/** The time step of a valid code (±30 s: phone clocks drift), or null. */
export async function totpVerify(secret: string, token: string): Promise<number | null> {
  const r = await verify({ secret, token, epochTolerance: 30, ...plugins });
  return r.valid ? r.timeStep : null;
}
