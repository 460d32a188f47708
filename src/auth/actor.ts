import type { AGENT_ROLES } from '../db/schema.ts';

export type Role = (typeof AGENT_ROLES)[number];

/** Who is acting: an agent through a browser session or an integration through an API token. */
export interface Actor {
  agentId: string;
  role: Role;
  via: 'session' | 'token';
}
