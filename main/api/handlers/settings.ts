import type { scannerMethods, settingsMethods } from '../../../shared/api/methods/core.js';
import { verifyAudit } from '../../actions/audit.js';
import { getSettings, setSetting } from '../../actions/config.js';
import { authorize } from '../../actions/context.js';
import { exportReceipts } from '../../actions/receipts.js';
import { discoverScanners, labelRuleCheck, reports } from '../../actions/station.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const settingsHandlers: HandlersFor<typeof settingsMethods & typeof scannerMethods> = {
  'settings.get': (station, session) => getSettings(station, actor(session)),
  'settings.set': (station, session, input) => setSetting(station, actor(session), input.key, input.value),
  'settings.labelRuleCheck': (_station, session, input) => labelRuleCheck(actor(session), input),
  'audit.verify': (station, session) => verifyAudit(station, actor(session)),
  'receipts.export': (station, session, input) => {
    const r = exportReceipts(station, actor(session), input);
    return { filename: r.filename, content: [...r.chunks].join('') };
  },
  'reports.summary': (station, session, input) => reports(station, actor(session), input.since ?? null),

  'scanners.status': (station, session) => {
    authorize(actor(session), 'scanners.status');
    return station.scannerStatuses().map((st) => ({ scannerId: st.scannerId, name: st.name, state: st.state, ...(st.reason ? { reason: st.reason } : {}), at: st.at, ...(st.hidPosLayout ? { hidPosLayout: st.hidPosLayout } : {}) }));
  },
  'scanners.test': (station, session, input) => {
    authorize(actor(session), 'scanners.test');
    return { until: station.scannerTest(input.seconds) };
  },
  'scanners.discover': (_station, session) => discoverScanners(actor(session)),
};
