import type { CustomerDetail, RequestType } from '../../shared/types.ts';

/** A person the customer authorized to act for them, as `GET /customers/:id` lists them. */
export interface Representative {
  id: string;
  customerId: string;
  name: string;
  contact: string;
  /** Their own contact point, by which channels recognise them; null: the API only. */
  contactKind: 'phone' | 'email' | 'whatsapp' | 'messenger' | null;
  contactAddress: string | null;
  grantedVia: 'agente' | 'portal' | 'carta_poder';
  /** A carta poder acts only once verified; other grants are verified as given. */
  verifiedAt: string | null;
  idDocument: { sha256: string; filename: string } | null;
  /** Request types they may raise; null for every procedure. */
  scope: RequestType[] | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  active: boolean;
  createdAt: string;
}

export interface CustomerWithRepresentatives extends CustomerDetail {
  representatives: Representative[];
}
