/**
 * How a supervisor settles a cross-station conflict: two envelopes of one ballot (or one voter)
 * accepted at two stations while they were apart. The hub keeps both receipts either way; the
 * resolution says which envelope stands.
 */
export const CONFLICT_RESOLUTIONS = ['keep-first', 'keep-second', 'not-a-duplicate'] as const;
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];

export const CONFLICT_RESOLUTION_WORDS: Record<ConflictResolution, string> = {
  'keep-first': 'Keep the first envelope, set the later one aside',
  'keep-second': 'Keep the later envelope, set the first one aside',
  'not-a-duplicate': 'Not the same voter: keep both',
};
