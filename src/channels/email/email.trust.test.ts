import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyEmailTrust } from './email.trust.ts';

const DOMAIN = 'ejemplo.com.mx';
const SELECTOR = 'sel2026';
const GOOD_IP = '203.0.113.5';
const OTHER_IP = '198.51.100.7';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicSpki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

const notFound = (name: string) =>
  Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });

/** Answers as dns.promises.resolve would, from a fixed zone; anything else does not exist. */
function stubResolver(zone: Record<string, string>) {
  return async (name: string, rrtype: string) => {
    const record = rrtype === 'TXT' ? zone[name.toLowerCase()] : undefined;
    if (record === undefined) throw notFound(name);
    return [[record]];
  };
}

const fullZone = stubResolver({
  [`${SELECTOR}._domainkey.${DOMAIN}`]: `v=DKIM1; k=rsa; p=${publicSpki}`,
  [DOMAIN]: `v=spf1 ip4:${GOOD_IP} -all`,
  [`_dmarc.${DOMAIN}`]: 'v=DMARC1; p=reject',
});

const message = Buffer.from(
  [
    `From: =?UTF-8?Q?Ana_Garc=C3=ADa?= <ana@${DOMAIN}>`,
    'To: soporte@monetmovil.com',
    'Subject: Sin internet',
    'Date: Tue, 24 Nov 2026 10:00:00 -0600',
    `Message-ID: <t1@${DOMAIN}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'No tengo internet desde ayer.',
    '',
  ].join('\r\n'),
);

let signed: Buffer;

beforeAll(async () => {
  const key = { signingDomain: DOMAIN, selector: SELECTOR, privateKey: privatePem };
  // The typings want the key at the top level; the signer only reads `signatureData` (STACK.md).
  const { signatures, errors } = await dkimSign(message, { ...key, signatureData: [key] });
  expect(errors).toEqual([]);
  expect(signatures).toContain('DKIM-Signature:');
  signed = Buffer.concat([Buffer.from(signatures), message]);
});

const check = (raw: Buffer, ip: string, resolver = fullZone) =>
  verifyEmailTrust(raw, {
    ip,
    helo: `mail.${DOMAIN}`,
    mta: 'mx.monetmovil.com',
    sender: `ana@${DOMAIN}`,
    resolver,
  });

describe('verifyEmailTrust', () => {
  it('verifies a signed message sent from an address the SPF record allows', async () => {
    expect(await check(signed, GOOD_IP)).toEqual({
      verified: true,
      spf: 'pass',
      dkim: 'pass',
      dmarc: 'pass',
      reason: `DMARC pass for ${DOMAIN}`,
    });
  });

  it('verifies on the aligned DKIM signature alone when the sending IP is not in SPF', async () => {
    expect(await check(signed, OTHER_IP)).toMatchObject({
      verified: true,
      spf: 'fail',
      dkim: 'pass',
      dmarc: 'pass',
    });
  });

  it('verifies on aligned SPF alone for an unsigned message from an allowed IP', async () => {
    expect(await check(message, GOOD_IP)).toMatchObject({
      verified: true,
      spf: 'pass',
      dkim: 'none',
      dmarc: 'pass',
    });
  });

  it('does not verify an unsigned message from an IP outside SPF', async () => {
    expect(await check(message, OTHER_IP)).toEqual({
      verified: false,
      spf: 'fail',
      dkim: 'none',
      dmarc: 'fail',
      reason: `DMARC fail for ${DOMAIN} (SPF fail, DKIM none)`,
    });
  });

  it('fails DKIM when the body was changed after signing', async () => {
    const tampered = Buffer.from(signed.toString().replace('desde ayer', 'desde hace un mes'));
    expect(await check(tampered, OTHER_IP)).toMatchObject({ verified: false, dkim: 'fail', dmarc: 'fail' });
  });

  it('fails DKIM when a signed header was changed after signing', async () => {
    const tampered = Buffer.from(signed.toString().replace('Subject: Sin internet', 'Subject: Cancelación'));
    expect(await check(tampered, OTHER_IP)).toMatchObject({ verified: false, dkim: 'fail', dmarc: 'fail' });
  });

  it('does not verify a domain that publishes no DMARC record, even with a good signature', async () => {
    const noDmarc = stubResolver({
      [`${SELECTOR}._domainkey.${DOMAIN}`]: `v=DKIM1; k=rsa; p=${publicSpki}`,
      [DOMAIN]: `v=spf1 ip4:${GOOD_IP} -all`,
    });
    expect(await check(signed, GOOD_IP, noDmarc)).toMatchObject({
      verified: false,
      dkim: 'pass',
      dmarc: 'none',
    });
  });

  it('reports DNS trouble as a temporary error, not verified', async () => {
    const broken = async () => {
      throw Object.assign(new Error('queryTxt ESERVFAIL'), { code: 'ESERVFAIL' });
    };
    expect(await check(signed, GOOD_IP, broken)).toMatchObject({
      verified: false,
      dkim: 'temperror',
      dmarc: 'temperror',
    });
  });
});
