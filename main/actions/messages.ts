import type { z } from 'zod';

/** Words for the fields people see named in messages; others are their names split into words. */
const FIELD_WORDS: Record<string, string> = { pin: 'PIN', seq: 'scan number', caseId: 'case number', batchId: 'batch', raw: 'scan text', handCount: 'hand count', operator: 'operator name', name: 'name', uploadId: 'upload' };

function fieldOf(path: readonly PropertyKey[]): string {
  const last = [...path].reverse().find((p) => typeof p === 'string');
  if (typeof last !== 'string') return 'The input';
  const words = FIELD_WORDS[last] ?? last.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `The ${words}`;
}

/** zod's own texts start like this; a schema's custom message (a sentence for people) does not. */
const GENERIC = /^(Invalid|Too (big|small)|Unrecognized|Expected)/;

function sentence(text: string): string {
  const t = text.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

function plainIssue(i: z.core.$ZodIssue): string {
  const field = fieldOf(i.path);
  if (!GENERIC.test(i.message)) return sentence(`${i.path.length > 0 && !/^(a|an|the) /i.test(i.message) ? `${field}: ` : ''}${i.message}`);
  switch (i.code) {
    case 'too_big':
      return i.origin === 'string' ? `${field} is too long (at most ${String(i.maximum)} characters).` : `${field} is too large (at most ${String(i.maximum)}).`;
    case 'too_small':
      return i.origin === 'string' && Number(i.minimum) <= 1 ? `${field} is required.` : i.origin === 'string' ? `${field} is too short (at least ${String(i.minimum)} characters).` : `${field} is too small (at least ${String(i.minimum)}).`;
    case 'invalid_type':
      return /received undefined/.test(i.message) ? `${field} is missing.` : `${field} must be ${i.expected === 'int' ? 'a whole number' : `a ${i.expected}`}.`;
    case 'invalid_value':
      return `${field} must be one of ${i.values.map(String).join(', ')}.`;
    case 'invalid_format':
      return `${field} is not a valid ${i.format === 'datetime' ? 'date and time' : i.format}.`;
    case 'unrecognized_keys':
      return `Unexpected ${i.keys.length === 1 ? 'field' : 'fields'}: ${i.keys.join(', ')}.`;
    default:
      return `${field} is not valid.`;
  }
}

/** Plain sentences for a failed validation: no schema paths, no JSON. */
export function plainIssues(issues: readonly z.core.$ZodIssue[]): string {
  return [...new Set(issues.slice(0, 3).map(plainIssue))].join(' ');
}
