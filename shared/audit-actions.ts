/**
 * Every action the audit log records, declared once. An append with any other name is a
 * compile error, so an auditor's list of what can appear in the log is this list.
 */
export const AUDIT_ACTIONS = [
  'scan.record',
  'scan.undo',
  'batch.open',
  'batch.close',
  'batch.reconcile',
  'config.set',
  'config.clear',
  'roll.import',
  'roll.state-changes',
  'cure.flag',
  'cure.unflag',
  'cure.transition',
  'cure.notice-queued',
  'cure.notice-sent',
  'cure.notice-failed',
  'problem.resolve',
  'operator.create',
  'operator.pin',
  'operator.enable',
  'operator.disable',
  'operator.unlock',
  'operator.sign-in',
  'operator.sign-in-failed',
  'sync.queue',
  'sync.sending',
  'sync.acknowledged',
  'sync.rejected',
  'sync.requeue',
  'sync.file-written',
  'sync.upload-confirmed',
  // County (docs/county.md): a supervisor here resolved another station's problem scan or a cross-station conflict.
  'county.resolve',
  'county.conflict-resolve',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
