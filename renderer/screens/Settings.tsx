import { useState } from 'react';
import { api } from '../api.js';
import { Problem } from '../parts/Notes.js';
import { FieldSection } from '../parts/settings/FieldSection.js';
import type { FieldDef } from '../parts/settings/fields.js';
import { LabelSection } from '../parts/settings/LabelSection.js';
import { OperatorsSection } from '../parts/settings/OperatorsSection.js';
import { ScannersSection } from '../parts/settings/ScannersSection.js';
import { StationLogSection } from '../parts/settings/StationLogSection.js';
import { CameraSection } from '../parts/settings/CameraSection.js';
import { TemplateSection } from '../parts/settings/TemplateSection.js';
import { ReviewSettings } from '../parts/settings/ReviewSettings.js';
import { playVerdict, saveSoundSettings, soundSettings } from '../sounds.js';
import { useQuery } from '../useApi.js';
import { ScannerTest } from './ScannerTest.js';

const STATION: FieldDef[] = [
  { key: 'station', label: 'Station name', kind: 'text', hint: 'Printed on tray labels: "station, batch N".' },
  { key: 'election', label: 'Election ID', kind: 'text', hint: 'As in the roll file, for example E2026.' },
  { key: 'electionName', label: 'Election name', kind: 'text', optional: true },
  { key: 'electionDate', label: 'Election day', kind: 'date', hint: 'Month/day/year, for example 11/03/2026.' },
  { key: 'stateProfile', label: 'State rules', kind: 'profile' },
  { key: 'receiptDeadline', label: 'Receipt deadline', kind: 'deadline', optional: true, hint: 'Date and time on this computer’s clock, for example 11/03/2026 7:30 pm. Envelopes scanned later are marked late.' },
  { key: 'jurisdiction', label: 'County', kind: 'text', optional: true, hint: 'Ballots of another county are set aside.' },
  { key: 'batchSize', label: 'Envelopes per tray', kind: 'number' },
  { key: 'idleLockMinutes', label: 'Lock the screen after (minutes idle)', kind: 'number' },
];

const SYNC: FieldDef[] = [
  { key: 'syncUrl', label: 'State API address', kind: 'text', optional: true, hint: 'For example https://sos.state.example/intake' },
  { key: 'backupDir', label: 'Backup folder (a second drive)', kind: 'text', optional: true },
  { key: 'floridaCountyId', label: 'Florida county code', kind: 'text', optional: true, hint: 'Florida only: three capital letters, for example LEO.' },
  { key: 'floridaElectionNumber', label: 'Florida election number', kind: 'text', optional: true },
];

export function Settings({ onAuthLost, onSaved }: { onAuthLost: (why: string) => void; onSaved: () => void }) {
  const settings = useQuery(() => api.call('settings.get', {}), [], onAuthLost);
  const profile = useQuery(() => api.call('cure.profile', {}), [settings.data], onAuthLost);
  const me = useQuery(() => api.call('session.status', {}), [], onAuthLost);
  const [sound, setSound] = useState(soundSettings());
  const values = settings.data ?? {};
  const loaded = settings.data !== null;
  const saved = () => {
    settings.reload();
    onSaved();
  };

  return (
    <div className="sup-screen settings">
      <h1>Settings</h1>
      <Problem message={settings.error} onDismiss={settings.reload} />
      <FieldSection
        title="Station and election"
        defs={STATION}
        values={values}
        loaded={loaded}
        onSaved={saved}
        extra={(key) =>
          key === 'receiptDeadline' && profile.data ? (
            <p className="rule" data-testid="receipt-rule">
              {profile.data.receiptRule}
            </p>
          ) : null
        }
      />
      <LabelSection values={values} loaded={loaded} onSaved={saved} />
      <FieldSection title="Sync and backup" defs={SYNC} values={values} loaded={loaded} onSaved={saved} />
      <ScannersSection values={values} loaded={loaded} onSaved={saved} onAuthLost={onAuthLost} />
      <ScannerTest onAuthLost={onAuthLost} />
      <CameraSection />
      <TemplateSection onAuthLost={onAuthLost} />
      <ReviewSettings values={values} loaded={loaded} onSaved={saved} onAuthLost={onAuthLost} />
      <OperatorsSection onAuthLost={onAuthLost} me={me.data?.operator?.name ?? null} />
      <StationLogSection onAuthLost={onAuthLost} />
      <section className="card" aria-labelledby="sound-title">
        <h2 id="sound-title">Sound on this computer</h2>
        <div className="row">
        <label className="check">
          <input type="checkbox" checked={sound.muted} onChange={(e) => setSound({ ...sound, muted: e.target.checked })} /> Mute
        </label>
        <label>
          Volume
          <input type="range" min="0" max="1" step="0.1" value={sound.volume} onChange={(e) => setSound({ ...sound, volume: Number(e.target.value) })} />
        </label>
        <button type="button" onClick={() => saveSoundSettings(sound)}>
          Save sound
        </button>
        {(['accept', 'problem', 'rescan'] as const).map((k) => (
          <button type="button" key={k} onClick={() => playVerdict(k)}>
            Play the {k === 'accept' ? 'accepted' : k === 'problem' ? 'problem' : 'scan again'} sound
          </button>
        ))}
        </div>
      </section>
    </div>
  );
}
