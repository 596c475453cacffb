import { useState, type ReactNode } from 'react';
import { api } from '../../api.js';
import { useQuery } from '../../useApi.js';

type Scope = 'station' | 'county';
/** The last choice, kept while the app runs, so Review, Reports and Batches open the same way. */
let remembered: Scope = 'station';

/**
 * "This station / County": shown only on a station that is part of a county (a hub is set) and
 * to a supervisor. When the county view cannot be read (the hub is down, the link is cut), the
 * toggle says so in plain words and the screen goes back to this station's own view, which never
 * needs the hub.
 */
export function CountyScope({
  enabled,
  onAuthLost,
  station,
  county,
}: {
  enabled: boolean;
  onAuthLost: (why: string) => void;
  station: ReactNode;
  county: (onUnavailable: (why: string) => void) => ReactNode;
}) {
  const views = useQuery(
    () => (enabled ? api.call('county.views', {}) : Promise.resolve({ configured: false, station: null })),
    [enabled],
    onAuthLost,
  );
  const [scope, setScopeState] = useState<Scope>(remembered);
  const [down, setDown] = useState<string | null>(null);
  const setScope = (s: Scope) => {
    remembered = s;
    setScopeState(s);
    if (s === 'county') setDown(null);
  };
  const configured = views.data?.configured === true;
  // The toggle and the view keep their places whether or not the toggle is shown, so the station's
  // view is not remounted (and what a supervisor has typed in it is not lost) when the answer comes.
  return (
    <>
      {configured && (
        <div className="county-scope" role="group" aria-label="Whose work to show">
          <button
            type="button"
            aria-pressed={scope === 'station'}
            onClick={() => setScope('station')}
            data-testid="scope-station"
          >
            This station{views.data?.station ? ` (${views.data.station})` : ''}
          </button>
          <button
            type="button"
            aria-pressed={scope === 'county'}
            onClick={() => setScope('county')}
            data-testid="scope-county"
          >
            County: every station
          </button>
          {down && (
            <span className="warn-note" role="status" data-testid="scope-down">
              ⚠ {down}
              {/still works/.test(down) ? '' : ' Showing this station.'}
            </span>
          )}
        </div>
      )}
      {configured && scope === 'county'
        ? county((why) => {
            setDown(why);
            remembered = 'station';
            setScopeState('station');
          })
        : station}
    </>
  );
}
