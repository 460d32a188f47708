import { createApi } from '../shared/api.ts';

/** The portal calls only the public `/api/v1/portal/…` routes: no session, no CSRF token. */
export const api = createApi();
