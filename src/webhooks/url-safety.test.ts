import { describe, expect, it } from 'vitest';
import { isPublicAddress, urlProblem } from './url-safety.ts';

describe('webhook URL safety', () => {
  it.each([
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.20.0.1', false],
    ['192.168.1.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
    ['not an address', false],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });

  it.each([
    ['https://hooks.example.com/atiende', false, undefined],
    ['http://hooks.example.com:8080/x', false, undefined],
    ['ftp://hooks.example.com/', false, 'not_http'],
    ['javascript:alert(1)', false, 'not_http'],
    ['file:///etc/passwd', false, 'not_http'],
    ['no url', false, 'not_http'],
    ['https://user:pw@hooks.example.com/', false, 'has_credentials'],
    ['http://127.0.0.1:9000/', false, 'private_address'],
    ['http://[::1]:9000/', false, 'private_address'],
    ['http://localhost:9000/', false, 'private_address'],
    ['http://intranet/', false, 'private_address'],
    ['http://169.254.169.254/latest/meta-data', false, 'private_address'],
    ['http://127.0.0.1:9000/', true, undefined],
    ['http://localhost:9000/', true, undefined],
  ])('%s (private allowed: %s) → %s', (url, allowPrivateNetworks, expected) => {
    expect(urlProblem(url, { allowPrivateNetworks })).toBe(expected);
  });
});
