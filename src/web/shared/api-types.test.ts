import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, fetchOpenApiDocument, renderApiTypes } from './generate-api-types.ts';

describe('the web’s API types', () => {
  it('are what the server’s OpenAPI document makes today (else run `npm run gen:api`)', async () => {
    const fresh = await renderApiTypes(await fetchOpenApiDocument());
    const checkedIn = readFileSync(API_TYPES_FILE, 'utf8');
    // A plain equality: a diff of a 7,000-line file would drown the hint.
    expect(checkedIn === fresh, 'src/web/shared/api-types.ts is stale: run `npm run gen:api`').toBe(true);
  });
});
