/**
 * Hub migration: the county's views and operations (docs/county.md "County views").
 *
 * - county_scans / county_batches: one slim row per scan and per batch of every station, kept by a
 *   trigger on intake.entries (the pushed audit entries), so the county review queue, reports and
 *   batch list are index reads, never a scan of every entry's JSON.
 * - county_resolutions: a supervisor on one station resolving another station's problem scan or a
 *   cross-station conflict (audit actions county.resolve / county.conflict-resolve, pushed like any
 *   entry); the owning station pulls the ones it has not applied yet (intake.county_pending_resolutions).
 * - sync_lease / sync_sent / feed_state: one station at a time sends batches to the state, each batch
 *   once county-wide, and the state's change feed has one cursor for the county.
 *
 * Station roles reach all of it only through the SECURITY DEFINER functions below (no table grants);
 * the calling station is always session_user's registered, unretired station, never a parameter.
 */
export const COUNTY_VIEWS_SQL = String.raw`
CREATE TABLE intake.county_scans (
  station_id text NOT NULL,
  scan_seq bigint NOT NULL,
  hub_seq bigint NOT NULL,
  ballot_id text,
  voter_id text,
  verdict text NOT NULL,
  reason text,
  raw text,
  scanned_at text NOT NULL,
  day date,
  operator text,
  batch_id text,
  undone boolean NOT NULL DEFAULT false,
  resolution text,
  resolved_by text,
  resolved_station text,
  resolved_at text,
  PRIMARY KEY (station_id, scan_seq)
);
CREATE INDEX county_scans_open ON intake.county_scans (scanned_at, station_id, scan_seq)
  WHERE verdict <> 'ACCEPTED' AND NOT undone AND resolution IS NULL;
CREATE INDEX county_scans_day ON intake.county_scans (day, station_id, verdict);
CREATE INDEX county_scans_batch ON intake.county_scans (batch_id);

CREATE TABLE intake.county_batches (
  batch_id text PRIMARY KEY,
  station_id text NOT NULL,
  number integer,
  status text NOT NULL,
  opened_at text,
  closed_at text,
  scanned integer,
  hand_count integer,
  sync_status text,
  sync_at text
);
CREATE INDEX county_batches_station ON intake.county_batches (station_id, number);

CREATE TABLE intake.county_resolutions (
  hub_seq bigint PRIMARY KEY,
  by_station text NOT NULL,
  actor text NOT NULL,
  at text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('scan', 'conflict')),
  target_station text NOT NULL,
  scan_seq bigint,
  conflict_id bigint,
  resolution text NOT NULL,
  reason text NOT NULL,
  applied boolean NOT NULL DEFAULT false
);
CREATE INDEX county_resolutions_pending ON intake.county_resolutions (target_station, hub_seq) WHERE NOT applied;

CREATE TABLE intake.sync_lease (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  station_id text NOT NULL,
  run_id text NOT NULL,
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE intake.sync_sent (
  batch_id text PRIMARY KEY,
  station_id text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  ack text
);
CREATE TABLE intake.feed_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  cursor text,
  station_id text,
  pulled_at timestamptz
);

-- The calling station: session_user's registered role, refused when unknown or retired.
CREATE FUNCTION intake.county_caller() RETURNS text LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = intake, pg_temp AS $$
DECLARE me text;
BEGIN
  SELECT station_id INTO me FROM intake.stations WHERE role_name = session_user AND retired_at IS NULL;
  IF me IS NULL THEN
    RAISE EXCEPTION 'this database role is not a registered, active station' USING ERRCODE = 'IH401', HINT = 'not-a-station';
  END IF;
  RETURN me;
END $$;

-- A number from a station's JSON text, or NULL when it is not one: the trigger never refuses a push
-- itself (intake.push's own checks do, with their plain words), it only skips what it cannot read.
CREATE FUNCTION intake.county_int(v text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v ~ '^-?[0-9]{1,18}$' THEN v::bigint END
$$;

-- Keeps the slim county tables from one pushed audit entry (runs inside intake.push's transaction).
CREATE FUNCTION intake.county_apply(NEW intake.entries) RETURNS void LANGUAGE plpgsql
SET search_path = intake, pg_temp AS $$
DECLARE a jsonb := CASE WHEN NEW.after IS NULL THEN NULL ELSE (NEW.after)::jsonb END;
BEGIN
  IF jsonb_typeof(a) IS DISTINCT FROM 'object' THEN
    a := NULL;
  END IF;
  IF NEW.action = 'scan.record' AND intake.county_int(a->>'seq') IS NOT NULL AND a->>'verdict' IS NOT NULL AND a->>'scannedAt' IS NOT NULL THEN
    INSERT INTO intake.county_scans (station_id, scan_seq, hub_seq, ballot_id, voter_id, verdict, reason, raw,
      scanned_at, day, operator, batch_id)
    VALUES (NEW.station_id, intake.county_int(a->>'seq'), NEW.hub_seq, a->>'ballotId', a->>'voterId', a->>'verdict', a->>'reason',
      a->>'raw', a->>'scannedAt',
      -- toISOString() text: its first ten characters are the UTC day
      CASE WHEN a->>'scannedAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' THEN left(a->>'scannedAt', 10)::date END, a->>'operator', a->>'batchId')
    ON CONFLICT DO NOTHING;
  ELSIF NEW.action = 'scan.undo' THEN
    UPDATE intake.county_scans SET undone = true WHERE station_id = NEW.station_id AND scan_seq = intake.county_int(NEW.entity_id);
  ELSIF NEW.action = 'problem.resolve' THEN
    UPDATE intake.county_scans SET resolution = a->>'resolution', resolved_by = NEW.actor, resolved_station = coalesce(a->>'viaStation', NEW.station_id), resolved_at = NEW.at
      WHERE station_id = NEW.station_id AND scan_seq = intake.county_int(NEW.entity_id) AND resolution IS NULL;
    -- The owning station has applied (or made) a resolution: nothing more to hand it for this scan.
    UPDATE intake.county_resolutions SET applied = true
      WHERE target_station = NEW.station_id AND kind = 'scan' AND scan_seq = intake.county_int(NEW.entity_id) AND NOT applied;
  ELSIF NEW.action = 'county.resolve' AND intake.county_int(a->>'scanSeq') IS NOT NULL AND a->>'station' IS NOT NULL AND a->>'resolution' IS NOT NULL THEN
    -- Already resolved or taken back at the hub: nothing for the owning station to apply.
    INSERT INTO intake.county_resolutions (hub_seq, by_station, actor, at, kind, target_station, scan_seq, resolution, reason, applied)
    VALUES (NEW.hub_seq, NEW.station_id, NEW.actor, NEW.at, 'scan', a->>'station', intake.county_int(a->>'scanSeq'), a->>'resolution', a->>'reason',
      EXISTS (SELECT 1 FROM intake.county_scans WHERE station_id = a->>'station' AND scan_seq = intake.county_int(a->>'scanSeq')
        AND (resolution IS NOT NULL OR undone)));
    UPDATE intake.county_scans SET resolution = a->>'resolution', resolved_by = NEW.actor, resolved_station = NEW.station_id, resolved_at = NEW.at
      WHERE station_id = a->>'station' AND scan_seq = intake.county_int(a->>'scanSeq') AND resolution IS NULL;
  ELSIF NEW.action = 'county.conflict-resolve' AND intake.county_int(a->>'conflictId') IS NOT NULL AND a->>'resolution' IS NOT NULL THEN
    UPDATE intake.conflicts SET resolved_by = NEW.actor || ' (station ' || NEW.station_id || ')', resolved_at = now(), resolution = a->>'resolution'
      WHERE conflict_id = intake.county_int(a->>'conflictId') AND resolved_at IS NULL;
    INSERT INTO intake.county_resolutions (hub_seq, by_station, actor, at, kind, target_station, conflict_id, resolution, reason, applied)
    VALUES (NEW.hub_seq, NEW.station_id, NEW.actor, NEW.at, 'conflict', NEW.station_id, intake.county_int(a->>'conflictId'), a->>'resolution', a->>'reason', true);
  ELSIF NEW.action = 'batch.open' AND NEW.entity_id IS NOT NULL THEN
    INSERT INTO intake.county_batches (batch_id, station_id, number, status, opened_at)
    VALUES (NEW.entity_id, NEW.station_id, intake.county_int(a->>'number'), 'OPEN', NEW.at) ON CONFLICT DO NOTHING;
  ELSIF NEW.action = 'batch.close' THEN
    UPDATE intake.county_batches SET status = 'CLOSED', closed_at = NEW.at, scanned = intake.county_int(a->>'scannedCount'),
      hand_count = intake.county_int(a->>'handCount') WHERE batch_id = NEW.entity_id;
  ELSIF NEW.action = 'batch.reconcile' THEN
    UPDATE intake.county_batches SET hand_count = intake.county_int(a->>'handCount') WHERE batch_id = NEW.entity_id;
  ELSIF NEW.action LIKE 'sync.%' AND NEW.entity = 'batch' AND a ? 'status' THEN
    UPDATE intake.county_batches SET sync_status = a->>'status', sync_at = NEW.at WHERE batch_id = NEW.entity_id;
  END IF;
END $$;
REVOKE ALL ON FUNCTION intake.county_apply(intake.entries) FROM PUBLIC;
CREATE FUNCTION intake.county_track() RETURNS trigger LANGUAGE plpgsql
SET search_path = intake, pg_temp AS $$
BEGIN
  PERFORM intake.county_apply(NEW);
  RETURN NULL;
END $$;
CREATE TRIGGER county_track AFTER INSERT ON intake.entries FOR EACH ROW EXECUTE FUNCTION intake.county_track();

-- Whatever was pushed before this migration, once, in hub order.
DO $$
DECLARE e intake.entries;
BEGIN
  FOR e IN SELECT * FROM intake.entries ORDER BY hub_seq LOOP
    PERFORM intake.county_apply(e);
  END LOOP;
END $$;
`;

/** What stations may call: the county's read views, resolutions to apply, the sync lease. */
export const COUNTY_FUNCTIONS_SQL = String.raw`
-- Unresolved cross-station conflicts (intake.conflicts): the later receipt is the item, the first its "other".
CREATE FUNCTION intake.county_open_conflicts()
RETURNS TABLE (station text, id bigint, ballot_id text, voter_id text, reason text, at text, other jsonb)
LANGUAGE sql STABLE SET search_path = intake, pg_temp AS $$
  SELECT r2.station_id, c.conflict_id, r2.ballot_id, r2.voter_id,
    'accepted at station ' || r1.station_id || ' and at station ' || r2.station_id || ' while they were apart (same '
      || c.matched_on || ')',
    r2.station_time, jsonb_build_object('station', r1.station_id, 'scanSeq', r1.scan_seq, 'at', r1.station_time)
  FROM intake.conflicts c
  JOIN intake.receipts r1 ON r1.hub_seq = c.first_hub_seq
  JOIN intake.receipts r2 ON r2.hub_seq = c.second_hub_seq
  WHERE c.resolved_at IS NULL
$$;

CREATE FUNCTION intake.county_conflict(p_id bigint)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  RETURN (SELECT jsonb_build_object('conflictId', conflict_id, 'resolvedAt', resolved_at, 'resolution', resolution, 'resolvedBy', resolved_by)
    FROM intake.conflicts WHERE conflict_id = p_id);
END $$;

-- The county review queue: every station's open problem scans (and, from the hub's conflict
-- table, unresolved cross-station conflicts), oldest first, filtered and paged here.
CREATE FUNCTION intake.county_queue(p_kind text, p_verdict text, p_station text, p_offset int, p_limit int)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); total bigint; items jsonb;
BEGIN
  IF p_limit < 1 OR p_limit > 500 OR p_offset < 0 THEN
    RAISE EXCEPTION 'a page is 1 to 500 rows from offset 0 or more' USING ERRCODE = 'IH422', HINT = 'bad-page';
  END IF;
  WITH q AS (
    SELECT 'problem' AS kind, s.station_id AS station, s.scan_seq AS id, s.ballot_id, s.voter_id, s.verdict,
      s.reason, s.raw, s.scanned_at AS at, s.operator, NULL::jsonb AS other
    FROM intake.county_scans s
    WHERE s.verdict <> 'ACCEPTED' AND NOT s.undone AND s.resolution IS NULL
      AND (p_verdict IS NULL OR s.verdict = p_verdict) AND (p_station IS NULL OR s.station_id = p_station)
      AND (p_kind IS NULL OR p_kind = 'problem')
    UNION ALL
    SELECT 'conflict', c.station, c.id, c.ballot_id, c.voter_id, 'DUPLICATE', c.reason, NULL, c.at, NULL, c.other
    FROM intake.county_open_conflicts() c
    WHERE (p_kind IS NULL OR p_kind = 'conflict') AND (p_verdict IS NULL OR p_verdict = 'DUPLICATE')
      AND (p_station IS NULL OR c.station = p_station OR c.other->>'station' = p_station)
  )
  SELECT (SELECT count(*) FROM q),
    coalesce((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.at, p.kind, p.station, p.id) FROM (
      SELECT * FROM q ORDER BY at, kind, station, id OFFSET p_offset LIMIT p_limit) p), '[]'::jsonb)
  INTO total, items;
  RETURN jsonb_build_object('total', total, 'station', me, 'items', items);
END $$;

-- County counts between two instants: per station, per verdict, per day (UTC) and station.
CREATE FUNCTION intake.county_report(p_from timestamptz, p_to timestamptz)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); d0 date := (p_from AT TIME ZONE 'UTC')::date - 1; d1 date := (p_to AT TIME ZONE 'UTC')::date + 1;
BEGIN
  RETURN (WITH s AS (
    SELECT * FROM intake.county_scans
    WHERE day BETWEEN d0 AND d1 AND scanned_at::timestamptz >= p_from AND scanned_at::timestamptz < p_to)
  SELECT jsonb_build_object(
    'station', me,
    'perStation', coalesce((SELECT jsonb_agg(x ORDER BY x.station) FROM (
      SELECT station_id AS station, count(*) AS scans,
        count(*) FILTER (WHERE verdict = 'ACCEPTED' AND NOT undone) AS accepted,
        count(*) FILTER (WHERE verdict <> 'ACCEPTED' AND NOT undone) AS problems,
        count(*) FILTER (WHERE verdict <> 'ACCEPTED' AND NOT undone AND resolution IS NULL) AS open,
        count(*) FILTER (WHERE undone) AS undone
      FROM s GROUP BY station_id) x), '[]'::jsonb),
    'perVerdict', coalesce((SELECT jsonb_agg(x ORDER BY x.count DESC, x.verdict) FROM (
      SELECT verdict, count(*) AS count FROM s WHERE NOT undone GROUP BY verdict) x), '[]'::jsonb),
    'perDay', coalesce((SELECT jsonb_agg(x ORDER BY x.day, x.station) FROM (
      SELECT day::text AS day, station_id AS station, count(*) AS count FROM s WHERE NOT undone GROUP BY day, station_id) x), '[]'::jsonb),
    'stations', (SELECT count(*) FROM intake.stations WHERE retired_at IS NULL)));
END $$;

-- Every station's batches, newest first, with the sync state each station reported.
CREATE FUNCTION intake.county_batch_list(p_station text, p_offset int, p_limit int)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  IF p_limit < 1 OR p_limit > 500 OR p_offset < 0 THEN
    RAISE EXCEPTION 'a page is 1 to 500 rows from offset 0 or more' USING ERRCODE = 'IH422', HINT = 'bad-page';
  END IF;
  RETURN jsonb_build_object('station', me,
    'total', (SELECT count(*) FROM intake.county_batches WHERE p_station IS NULL OR station_id = p_station),
    'items', coalesce((SELECT jsonb_agg(to_jsonb(b) ORDER BY b.opened_at DESC, b.station, b.number DESC) FROM (
      SELECT cb.batch_id AS "batchId", cb.station_id AS station, cb.number, cb.status, cb.opened_at, cb.closed_at AS "closedAt",
        cb.scanned, cb.hand_count AS "handCount", cb.sync_status AS sync, ss.station_id AS "sentBy"
      FROM intake.county_batches cb LEFT JOIN intake.sync_sent ss ON ss.batch_id = cb.batch_id
      WHERE p_station IS NULL OR cb.station_id = p_station
      ORDER BY cb.opened_at DESC, cb.station_id, cb.number DESC OFFSET p_offset LIMIT p_limit) b), '[]'::jsonb));
END $$;

-- Resolutions other stations made of this station's problem scans, not yet applied here.
CREATE FUNCTION intake.county_pending_resolutions(p_limit int)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  RETURN coalesce((SELECT jsonb_agg(to_jsonb(r) ORDER BY r."hubSeq") FROM (
    SELECT hub_seq AS "hubSeq", by_station AS "byStation", actor, at, scan_seq AS "scanSeq", resolution, reason
    FROM intake.county_resolutions WHERE target_station = me AND kind = 'scan' AND NOT applied
    ORDER BY hub_seq LIMIT least(greatest(p_limit, 1), 1000)) r), '[]'::jsonb);
END $$;

-- The county's one sync lease: granted when free, expired, or already this run's (a renewal).
CREATE FUNCTION intake.sync_lease_acquire(p_run text, p_seconds int)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); l intake.sync_lease;
BEGIN
  IF p_run IS NULL OR length(p_run) NOT BETWEEN 8 AND 80 OR p_seconds NOT BETWEEN 5 AND 3600 THEN
    RAISE EXCEPTION 'a sync lease needs a run id of 8 to 80 characters and 5 to 3600 seconds' USING ERRCODE = 'IH422', HINT = 'bad-lease';
  END IF;
  INSERT INTO intake.sync_lease AS s (singleton, station_id, run_id, acquired_at, expires_at)
  VALUES (true, me, p_run, now(), now() + make_interval(secs => p_seconds))
  ON CONFLICT (singleton) DO UPDATE
    SET station_id = excluded.station_id, run_id = excluded.run_id,
        acquired_at = CASE WHEN s.run_id = excluded.run_id THEN s.acquired_at ELSE excluded.acquired_at END,
        expires_at = excluded.expires_at
    WHERE s.expires_at < now() OR (s.station_id = excluded.station_id AND s.run_id = excluded.run_id);
  SELECT * INTO l FROM intake.sync_lease;
  RETURN jsonb_build_object('granted', l.station_id = me AND l.run_id = p_run, 'station', l.station_id,
    'acquiredAt', l.acquired_at, 'expiresAt', l.expires_at);
END $$;

CREATE FUNCTION intake.sync_lease_release(p_run text)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); n int;
BEGIN
  DELETE FROM intake.sync_lease WHERE station_id = me AND run_id = p_run;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n > 0;
END $$;

-- Claims a batch for sending, under this run's live lease: refused (with the station that has it)
-- when another station claimed it. The same station may resume its own claim (exactly-once
-- outbox: the same keys and bytes again).
CREATE FUNCTION intake.sync_batch_claim(p_run text, p_batch text)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller(); owner text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM intake.sync_lease WHERE station_id = me AND run_id = p_run AND expires_at > now()) THEN
    RAISE EXCEPTION 'this station no longer holds the county''s sync lease' USING ERRCODE = 'IH409', HINT = 'lease-lost';
  END IF;
  INSERT INTO intake.sync_sent (batch_id, station_id) VALUES (p_batch, me) ON CONFLICT DO NOTHING;
  SELECT station_id INTO owner FROM intake.sync_sent WHERE batch_id = p_batch;
  RETURN jsonb_build_object('claimed', owner = me, 'station', owner);
END $$;

CREATE FUNCTION intake.sync_batch_done(p_batch text, p_ack text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  UPDATE intake.sync_sent SET ack = p_ack, acknowledged_at = now() WHERE batch_id = p_batch AND station_id = me AND ack IS NULL;
END $$;

-- The state's change feed: one cursor for the county, moved only by the lease holder.
CREATE FUNCTION intake.feed_cursor() RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
  SELECT coalesce((SELECT jsonb_build_object('cursor', cursor, 'station', station_id, 'pulledAt', pulled_at) FROM intake.feed_state), '{}'::jsonb);
$$;
CREATE FUNCTION intake.feed_cursor_set(p_run text, p_cursor text) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  IF NOT EXISTS (SELECT 1 FROM intake.sync_lease WHERE station_id = me AND run_id = p_run AND expires_at > now()) THEN
    RAISE EXCEPTION 'this station no longer holds the county''s sync lease' USING ERRCODE = 'IH409', HINT = 'lease-lost';
  END IF;
  INSERT INTO intake.feed_state (singleton, cursor, station_id, pulled_at) VALUES (true, p_cursor, me, now())
  ON CONFLICT (singleton) DO UPDATE SET cursor = excluded.cursor, station_id = excluded.station_id, pulled_at = excluded.pulled_at;
END $$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['county_caller()', 'county_queue(text,text,text,int,int)', 'county_report(timestamptz,timestamptz)',
    'county_batch_list(text,int,int)', 'county_pending_resolutions(int)', 'sync_lease_acquire(text,int)', 'sync_lease_release(text)',
    'sync_batch_claim(text,text)', 'sync_batch_done(text,text)', 'feed_cursor()', 'feed_cursor_set(text,text)', 'county_conflict(bigint)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION intake.%s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION intake.%s TO intake_station', f);
  END LOOP;
END $$;
`;

/** One scan of any station as the hub holds it (what a resolving supervisor's station checks first). */
export const COUNTY_SCAN_SQL = String.raw`
CREATE FUNCTION intake.county_scan(p_station text, p_seq bigint)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  RETURN (SELECT jsonb_build_object('station', station_id, 'scanSeq', scan_seq, 'ballotId', ballot_id, 'verdict', verdict,
    'undone', undone, 'resolution', resolution, 'resolvedBy', resolved_by, 'resolvedStation', resolved_station)
    FROM intake.county_scans WHERE station_id = p_station AND scan_seq = p_seq);
END $$;
REVOKE ALL ON FUNCTION intake.county_scan(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.county_scan(text, bigint) TO intake_station;

-- Conflicts about this station's receipts that are resolved at the hub (newest first): the station
-- marks its own copy (county_conflicts) so its review queue drops them too.
CREATE FUNCTION intake.county_resolved_conflicts(p_limit int)
RETURNS jsonb LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE me text := intake.county_caller();
BEGIN
  RETURN coalesce((SELECT jsonb_agg(to_jsonb(x)) FROM (
    SELECT c.conflict_id AS "conflictId", r1.station_id AS "firstStation", r1.scan_seq AS "firstSeq", r2.station_id AS "secondStation",
      r2.scan_seq AS "secondSeq", c.resolved_at AS "resolvedAt", c.resolved_by AS "resolvedBy", c.resolution
    FROM intake.conflicts c JOIN intake.receipts r1 ON r1.hub_seq = c.first_hub_seq JOIN intake.receipts r2 ON r2.hub_seq = c.second_hub_seq
    WHERE c.resolved_at IS NOT NULL AND (r1.station_id = me OR r2.station_id = me)
    ORDER BY c.resolved_at DESC LIMIT least(greatest(p_limit, 1), 1000)) x), '[]'::jsonb);
END $$;
REVOKE ALL ON FUNCTION intake.county_resolved_conflicts(int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.county_resolved_conflicts(int) TO intake_station;

-- Both of the above in one round trip (a replicator calls it after every pull round; on a slow
-- link each call costs a round trip). Conflicts only when the station says it has open ones.
CREATE FUNCTION intake.county_pending(p_limit int, p_conflicts boolean)
RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
  SELECT jsonb_build_object('resolutions', intake.county_pending_resolutions(p_limit),
    'conflicts', CASE WHEN p_conflicts THEN intake.county_resolved_conflicts(p_limit) ELSE '[]'::jsonb END);
$$;
REVOKE ALL ON FUNCTION intake.county_pending(int, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.county_pending(int, boolean) TO intake_station;
`;

/** The whole migration, in order (tables and trigger, then the functions stations call). */
export const countyViewsMigration = { name: 'county views, resolutions across stations, sync lease', sql: [COUNTY_VIEWS_SQL, COUNTY_FUNCTIONS_SQL, COUNTY_SCAN_SQL].join('\n') };
