import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../shared/api/define.js';
import { plainError } from '../renderer/useApi.js';
import { apiFor } from './helpers/api.js';
import { tempStore } from './helpers/station.js';

describe('errors said in plain words on the supervisor’s screens', () => {
  it('names the field as the form does, without the method or the schema path', async () => {
    const t = tempStore();
    try {
      const api = apiFor(t.store);
      const r = await api.call(api.as(null), 'session.createFirstSupervisor', { operator: 'Sue', pin: '12' });
      if (r.ok) throw new Error('a two-digit PIN was taken');
      expect(r.error.message).toBe('The PIN must be 4 to 12 digits.'); // what the router says: no method, no schema path …
      const said = plainError(new ApiCallError(r.error.code, r.error.message, r.error.issues));
      expect(said).toBe('The PIN must be 4 to 12 digits.'); // … and what the supervisor reads
    } finally {
      t.cleanup();
    }
  });

  it('drops the machinery prefix from other answers and ends with a full stop', () => {
    expect(plainError(new ApiCallError('invalid-input', 'invalid input for reports.day: (input) The report covers from one moment to a later one, at most a week apart.'))).toBe('The report covers from one moment to a later one, at most a week apart.');
    expect(plainError(new Error('the connection to the station was lost: try again'))).toBe('The connection to the station was lost: try again.');
    expect(plainError(new ApiCallError('invalid-input', 'x', [{ path: 'items.0.handCount', message: 'too big' }]))).toBe('Hand count: too big.');
  });
});
