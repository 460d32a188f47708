import { describe, expect, it } from 'vitest';
import { publicOnlyLookup } from './webhook-post.ts';

const resolve = (hostname: string, all: boolean) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) => {
    publicOnlyLookup(hostname, { all }, (error, address) => done({ error, address }));
  });

describe('the lookup of a webhook delivery', () => {
  it('refuses a name that resolves to a loopback address, however it was written in the URL', async () => {
    for (const all of [false, true]) {
      const { error } = await resolve('localhost', all);
      expect(error?.code).toBe('private_address');
    }
  });
});
