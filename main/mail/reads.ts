/**
 * The supervisor's heavy mail reads (issue 18): the attention lists, their counts and CSV, and the
 * mail-stream chart. At a county's ten million scans each takes seconds, and better-sqlite3 runs a
 * query on the thread that asks, so the app runs them on a read-only connection on a thread of
 * their own (reads-off-thread.ts): a clerk's scan never waits behind a supervisor's report. The
 * command line runs them where it is (it has nothing else to do meanwhile).
 */
import { mailAttention, mailAttentionCounts, mailAttentionCsv, mailStreamReport, type AttentionInput, type ReadContext } from '../actions/mail-attention.js';
import type { Actor } from '../actions/context.js';

export type MailRead =
  | { kind: 'attention'; input: AttentionInput & { limit?: number } }
  | { kind: 'attentionCounts'; input: { days?: number | undefined; hours?: number | undefined } }
  | { kind: 'attentionCsv'; input: AttentionInput }
  | { kind: 'stream'; input: { from: string; to: string } };

/** One read, answered as the API answers it (the CSV as one string). */
export function runMailRead(ctx: ReadContext, actor: Actor | null, read: MailRead): unknown {
  switch (read.kind) {
    case 'attention':
      return mailAttention(ctx, actor, read.input);
    case 'attentionCounts':
      return mailAttentionCounts(ctx, actor, read.input);
    case 'attentionCsv': {
      const { filename, chunks } = mailAttentionCsv(ctx, actor, read.input);
      return { filename, content: [...chunks].join('') };
    }
    case 'stream':
      return mailStreamReport(ctx, actor, read.input);
  }
}
