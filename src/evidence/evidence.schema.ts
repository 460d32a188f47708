import { z } from 'zod';
import { EVIDENCE_ITEM_KINDS } from './evidence.service.ts';

export const EvidenceParams = z.object({ folio: z.string().min(1).max(40) });

export const EvidenceResponse = z.object({
  folio: z.string(),
  provider: z.object({ name: z.string(), legalName: z.string() }),
  generatedAt: z.string(),
  /** Always true: internal notes between the provider's staff are not part of the pack. */
  internalNotesExcluded: z.literal(true),
  items: z.array(
    z.object({
      kind: z.enum(EVIDENCE_ITEM_KINDS),
      id: z.string(),
      at: z.string(),
      data: z.record(z.string(), z.unknown()),
      /** SHA-256 of the canonical JSON (RFC 8785) of `{ kind, id, at, data }`. */
      sha256: z.string(),
    }),
  ),
  /** SHA-256 of the items' hashes in order, each followed by a newline. */
  manifestSha256: z.string(),
});
