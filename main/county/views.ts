import { PROBLEM_RESOLUTIONS } from '../../shared/cure/resolutions.js';
import { CONFLICT_RESOLUTIONS } from '../../shared/county/conflicts.js';
import type { Verdict } from '../../shared/domain.js';
import type { Store } from '../store/store.js';
import type { HubReader } from './hub-reader.js';

/**
 * The county views, read from the hub's functions (main/hub/migrations/county-views.ts) and
 * finished here: voters' names and precincts come from this station's own roll, never from the
 * hub, so the hub holds no more of a voter than the receipts need.
 */
interface HubItem {
  kind: 'problem' | 'conflict';
  station: string;
  id: number;
  ballot_id: string | null;
  voter_id: string | null;
  verdict: string;
  reason: string | null;
  raw: string | null;
  at: string;
  operator: string | null;
  other: { station: string; scanSeq: number; at: string | null } | null;
}

export interface CountyQueueFilter {
  kind?: 'problem' | 'conflict' | undefined;
  verdict?: Verdict | undefined;
  station?: string | undefined;
  offset: number;
  limit: number;
}

function resolutionsOf(kind: 'problem' | 'conflict', verdict: string): string[] {
  if (kind === 'conflict') return [...CONFLICT_RESOLUTIONS];
  return verdict in PROBLEM_RESOLUTIONS ? [...PROBLEM_RESOLUTIONS[verdict as keyof typeof PROBLEM_RESOLUTIONS]] : [];
}

export async function countyQueue(store: Store, hub: HubReader, f: CountyQueueFilter) {
  const r = await hub.call<{ total: number; station: string; items: HubItem[] }>('SELECT intake.county_queue($1, $2, $3, $4, $5) AS v', [
    f.kind ?? null,
    f.verdict ?? null,
    f.station ?? null,
    f.offset,
    f.limit,
  ]);
  return {
    total: Number(r.total),
    station: r.station,
    items: r.items.map((it) => {
      const b = it.ballot_id ? store.scans.byBallotId.get(it.ballot_id) : undefined;
      return {
        kind: it.kind,
        station: it.station,
        id: Number(it.id),
        ballotId: it.ballot_id,
        voterId: it.voter_id,
        voterName: b ? `${b.first_name ?? ''} ${b.last_name ?? ''}`.trim() || null : null,
        precinct: b?.precinct ?? null,
        verdict: it.verdict,
        reason: it.reason,
        raw: it.raw,
        at: it.at,
        operator: it.operator,
        other: it.other ? { station: it.other.station, scanSeq: Number(it.other.scanSeq), at: it.other.at } : null,
        resolutions: resolutionsOf(it.kind, it.verdict),
        mine: it.kind === 'problem' && it.station === r.station,
      };
    }),
  };
}

type Counted<T> = { [K in keyof T]: T[K] extends number ? number : T[K] };

export async function countyReport(hub: HubReader, range: { from: string; to: string }) {
  type Raw = {
    station: string;
    stations: number;
    perStation: Counted<{ station: string; scans: number; accepted: number; problems: number; open: number; undone: number }>[];
    perVerdict: { verdict: string; count: number }[];
    perDay: { day: string; station: string; count: number }[];
  };
  const r = await hub.call<Raw>('SELECT intake.county_report($1::timestamptz, $2::timestamptz) AS v', [range.from, range.to]);
  // bigint counts arrive as JSON numbers already (jsonb); Number() guards a future text cast.
  return {
    station: r.station,
    stations: Number(r.stations),
    perStation: r.perStation.map((s) => ({ station: s.station, scans: Number(s.scans), accepted: Number(s.accepted), problems: Number(s.problems), open: Number(s.open), undone: Number(s.undone) })),
    perVerdict: r.perVerdict.map((v) => ({ verdict: v.verdict, count: Number(v.count) })),
    perDay: r.perDay.map((d) => ({ day: d.day, station: d.station, count: Number(d.count) })),
  };
}

export async function countyBatches(hub: HubReader, f: { station?: string | undefined; offset: number; limit: number }) {
  type Raw = {
    total: number;
    station: string;
    items: { batchId: string; station: string; number: number | null; status: string; closedAt: string | null; scanned: number | null; handCount: number | null; sync: string | null; sentBy: string | null }[];
  };
  const r = await hub.call<Raw>('SELECT intake.county_batch_list($1, $2, $3) AS v', [f.station ?? null, f.offset, f.limit]);
  return { total: Number(r.total), station: r.station, items: r.items };
}
