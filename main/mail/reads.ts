/**
 * The supervisor's heavy mail reads (issue 18): the attention lists, their counts and CSV, and the
 * mail-stream chart. At a county's ten million scans each takes seconds, and better-sqlite3 runs a
 * query on the thread that asks, so the app runs them on a read-only connection on a thread of
 * their own (reads-off-thread.ts): a clerk's scan never waits behind a supervisor's report. The
 * command line runs them where it is (it has nothing else to do meanwhile).
 */
import { mailAttention, mailAttentionCounts, mailAttentionCsv, mailStreamReport, type AttentionInput, type ReadContext } from '../actions/mail-attention.js';
import type { Actor } from '../actions/context.js';

/** What each read is asked. */
interface Inputs {
  attention: AttentionInput & { limit?: number };
  attentionCounts: { days?: number | undefined; hours?: number | undefined };
  attentionCsv: AttentionInput;
  stream: { from: string; to: string };
}

/** What each read answers, as the API answers it (the CSV as one string). */
interface Results {
  attention: ReturnType<typeof mailAttention>;
  attentionCounts: ReturnType<typeof mailAttentionCounts>;
  attentionCsv: { filename: string; content: string };
  stream: ReturnType<typeof mailStreamReport>;
}

export type MailReadKind = keyof Inputs;
export type MailReadResult<K extends MailReadKind> = Results[K];
/** One read: its kind and what it is asked. */
export type MailRead<K extends MailReadKind = MailReadKind> = { [P in K]: { kind: P; input: Inputs[P] } }[K];

const READS: { [K in MailReadKind]: (ctx: ReadContext, actor: Actor | null, input: Inputs[K]) => Results[K] } = {
  attention: mailAttention,
  attentionCounts: mailAttentionCounts,
  attentionCsv: (ctx, actor, input) => {
    const { filename, chunks } = mailAttentionCsv(ctx, actor, input);
    return { filename, content: [...chunks].join('') };
  },
  stream: mailStreamReport,
};

/** One read, answered as the API answers it. */
export function runMailRead<K extends MailReadKind>(ctx: ReadContext, actor: Actor | null, read: MailRead<K>): Results[K] {
  const run: (ctx: ReadContext, actor: Actor | null, input: Inputs[K]) => Results[K] = READS[read.kind];
  return run(ctx, actor, read.input);
}
