import { createApi } from '../shared/api.ts';

/** The console's API client; the session sets its CSRF token after login or on restoring a session. */
export const api = createApi();
