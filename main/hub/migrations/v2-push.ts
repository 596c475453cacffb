/**
 * Hub migration 2 (continued): what an accepted entry does to the county's receipts, and the
 * push / pull / whoami functions. See v2-functions.ts for the error codes.
 */
export const v2Push = `
-- A receipt (scan.record with verdict ACCEPTED or LATE): counted, or kept and marked as a
-- duplicate of the receipt that already counts for the same ballot or the same voter.
CREATE FUNCTION intake.apply_receipt(hub bigint, r intake.entries) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  -- One parse of the scan record, and only the fields read (json, not jsonb: a raw scan holding
  -- a NUL (\\u0000) elsewhere in the record must not stop the county).
  a record;
  ballot text; voter text; election text; verdict text; scan_seq text; t text;
  first intake.receipts;
  matched text;
  body jsonb;
BEGIN
  IF json_typeof(r.after::json) <> 'object' THEN
    PERFORM intake.refuse('IH004', format('entry %s (scan.record): the scan record is not a JSON object', r.local_seq),
      'push the audit log rows exactly as the station stores them');
  END IF;
  SELECT * INTO a FROM json_to_record(r.after::json) AS x(verdict text, "ballotId" text, "voterId" text, "electionId" text,
    seq text, "scannedAt" text, station text, operator text, "batchId" text);
  verdict := a.verdict;
  ballot := a."ballotId";
  IF verdict IS NULL OR verdict NOT IN ('ACCEPTED', 'LATE') OR ballot IS NULL THEN RETURN; END IF;
  voter := a."voterId";
  election := a."electionId";
  scan_seq := coalesce(a.seq, r.entity_id);
  t := coalesce(a."scannedAt", r.at);
  IF scan_seq IS NULL OR scan_seq !~ '^[0-9]{1,16}$' THEN
    PERFORM intake.refuse('IH004', format('entry %s (scan.record) names no scan number', r.local_seq), 'push the audit log rows exactly as the station stores them');
  END IF;
  SELECT * INTO first FROM intake.receipts c WHERE c.ballot_id = ballot AND NOT c.undone AND c.cross_station_duplicate_of IS NULL;
  IF FOUND THEN
    matched := 'ballot';
  ELSIF voter IS NOT NULL THEN
    SELECT * INTO first FROM intake.receipts c WHERE c.voter_id = voter AND coalesce(c.election_id, '') = coalesce(election, '')
      AND NOT c.undone AND c.cross_station_duplicate_of IS NULL;
    IF FOUND THEN matched := 'voter'; END IF;
  END IF;
  INSERT INTO intake.receipts (hub_seq, station_id, scan_seq, ballot_id, voter_id, election_id, verdict, station_time,
      station_name, operator, batch_id, cross_station_duplicate_of)
    VALUES (hub, r.station_id, scan_seq::bigint, ballot, voter, election, verdict, t,
      a.station, a.operator, a."batchId", CASE WHEN matched IS NULL THEN NULL ELSE first.hub_seq END);
  body := jsonb_build_object('scanSeq', scan_seq::bigint, 'stationName', a.station, 'operator', a.operator, 'batchId', a."batchId");
  IF matched IS NOT NULL THEN
    INSERT INTO intake.conflicts (first_hub_seq, second_hub_seq, matched_on) VALUES (first.hub_seq, hub, matched);
    body := body || jsonb_build_object('matchedOn', matched, 'duplicateOf', jsonb_build_object(
      'hubSeq', first.hub_seq, 'stationId', first.station_id, 'scanSeq', first.scan_seq, 'stationTime', first.station_time,
      'stationName', first.station_name, 'ballotId', first.ballot_id, 'voterId', first.voter_id));
  END IF;
  INSERT INTO intake.feed VALUES (hub, r.station_id, r.local_seq, CASE WHEN matched IS NULL THEN 'receipt' ELSE 'conflict' END,
    ballot, voter, election, verdict, t, body);
END $$;

-- An undo takes a receipt out of the count. If it was the counted one, the earliest receipt
-- marked as its duplicate (if nothing else counts for that ballot or voter) counts instead.
CREATE FUNCTION intake.apply_undo(hub bigint, r intake.entries) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE u intake.receipts; p intake.receipts; promoted jsonb := NULL;
BEGIN
  IF r.entity_id IS NULL OR r.entity_id !~ '^[0-9]{1,16}$' THEN RETURN; END IF;
  UPDATE intake.receipts c SET undone = true, undone_hub_seq = hub
    WHERE c.station_id = r.station_id AND c.scan_seq = r.entity_id::bigint AND NOT c.undone RETURNING * INTO u;
  IF NOT FOUND THEN RETURN; END IF; -- the undone scan was no receipt: nothing changes for the county
  IF u.cross_station_duplicate_of IS NULL THEN
    SELECT * INTO p FROM intake.receipts c WHERE c.cross_station_duplicate_of = u.hub_seq AND NOT c.undone
      AND NOT EXISTS (SELECT 1 FROM intake.receipts o WHERE NOT o.undone AND o.cross_station_duplicate_of IS NULL
        AND (o.ballot_id = c.ballot_id OR (o.voter_id = c.voter_id AND coalesce(o.election_id, '') = coalesce(c.election_id, ''))))
      ORDER BY c.hub_seq LIMIT 1;
    IF FOUND THEN
      UPDATE intake.receipts SET cross_station_duplicate_of = NULL WHERE hub_seq = p.hub_seq;
      UPDATE intake.receipts SET cross_station_duplicate_of = p.hub_seq WHERE cross_station_duplicate_of = u.hub_seq AND NOT undone;
      UPDATE intake.conflicts SET first_hub_seq = p.hub_seq WHERE first_hub_seq = u.hub_seq AND second_hub_seq <> p.hub_seq AND resolved_at IS NULL;
      promoted := jsonb_build_object('hubSeq', p.hub_seq, 'stationId', p.station_id, 'scanSeq', p.scan_seq,
        'ballotId', p.ballot_id, 'voterId', p.voter_id, 'stationTime', p.station_time);
    END IF;
  END IF;
  UPDATE intake.conflicts SET resolved_at = now(), resolved_by = 'hub',
      resolution = CASE WHEN second_hub_seq = u.hub_seq THEN 'the duplicate receipt was undone at its station'
                        ELSE 'the first receipt was undone at its station; the other receipt counts' END
    WHERE (first_hub_seq = u.hub_seq OR second_hub_seq = u.hub_seq) AND resolved_at IS NULL
      AND (second_hub_seq = u.hub_seq OR second_hub_seq = p.hub_seq);
  INSERT INTO intake.feed VALUES (hub, r.station_id, r.local_seq, 'undo', u.ballot_id, u.voter_id, u.election_id, u.verdict, r.at,
    jsonb_build_object('scanSeq', u.scan_seq, 'receiptHubSeq', u.hub_seq, 'wasCounted', u.cross_station_duplicate_of IS NULL,
      'promoted', promoted));
END $$;

CREATE FUNCTION intake.apply_entry(hub bigint, r intake.entries) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF r.action = 'scan.record' AND r.entity = 'scan' AND r.after IS NOT NULL THEN
    PERFORM intake.apply_receipt(hub, r);
  ELSIF r.action = 'scan.undo' THEN
    PERFORM intake.apply_undo(hub, r);
  ELSIF r.action IN ('problem.resolve', 'cure.flag', 'cure.unflag', 'cure.transition') THEN
    -- before/after as the station's own text (its JSON may hold characters jsonb cannot).
    INSERT INTO intake.feed VALUES (hub, r.station_id, r.local_seq, 'resolution', NULL, NULL, NULL, NULL, r.at,
      jsonb_build_object('action', r.action, 'entity', r.entity, 'entityId', r.entity_id, 'actor', r.actor,
        'before', r.before, 'after', r.after));
  END IF;
END $$;

-- One station's audit entries, in order. Replays are no-ops; anything that would rewrite,
-- skip or fork the station's chain is refused and nothing of the push is kept.
CREATE FUNCTION intake.push(entries jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE
  s intake.stations; r record; held intake.entries; stored intake.entries; bad record;
  head_seq bigint; head_hash text; n int; added int := 0;
  fix text := 'the station''s log and the hub''s copy differ: stop this station and call the county''s IT (intake audit verify on the station)';
BEGIN
  s := intake.calling_station(true);
  IF entries IS NULL OR jsonb_typeof(entries) <> 'array' THEN
    PERFORM intake.refuse('IH003', 'a push must be a JSON array of audit entries', 'push the audit log rows exactly as the station stores them');
  END IF;
  n := jsonb_array_length(entries);
  IF n > 1000 OR pg_column_size(entries) > 8388608 THEN
    PERFORM intake.refuse('IH003', format('a push may carry at most 1000 entries and 8 MB; this one carries %s entries in %s bytes', n, pg_column_size(entries)),
      'push in smaller parts');
  END IF;
  -- Every entry's shape in one query; the first problem in push order is the refusal.
  SELECT q.ord, q.p INTO bad FROM (SELECT x.ord, intake.entry_problem(x.e, s.station_id) AS p
      FROM jsonb_array_elements(entries) WITH ORDINALITY x(e, ord)) q WHERE q.p IS NOT NULL ORDER BY q.ord LIMIT 1;
  IF FOUND THEN
    PERFORM intake.refuse(left(bad.p, 5), 'entry ' || bad.ord || substr(bad.p, 6),
      CASE WHEN left(bad.p, 5) = 'IH005' THEN 'check hub.station and the credentials in this station''s configuration'
           ELSE 'push the audit log rows exactly as the station stores them' END);
  END IF;
  -- One pusher at a time, county-wide, until commit: hub_seq values then become visible in
  -- order, so a pull's cursor can never pass a row that a slower transaction commits later.
  PERFORM pg_advisory_xact_lock(72654810);
  SELECT c.local_seq, c.hash INTO head_seq, head_hash FROM intake.entries c WHERE c.station_id = s.station_id ORDER BY c.local_seq DESC LIMIT 1;
  head_seq := coalesce(head_seq, 0);
  head_hash := coalesce(head_hash, repeat('0', 64));
  FOR r IN SELECT (x.e ->> 'seq')::bigint AS local_seq, x.e ->> 'at' AS at, x.e ->> 'actor' AS actor, x.e ->> 'action' AS action,
      x.e ->> 'entity' AS entity, x.e ->> 'entity_id' AS entity_id, x.e ->> 'before' AS before, x.e ->> 'after' AS after,
      x.e ->> 'prev_hash' AS prev_hash, x.e ->> 'hash' AS hash
    FROM jsonb_array_elements(entries) WITH ORDINALITY x(e, ord) ORDER BY x.ord LOOP
    IF r.local_seq <= head_seq THEN
      SELECT * INTO held FROM intake.entries c WHERE c.station_id = s.station_id AND c.local_seq = r.local_seq;
      IF (held.at, held.actor, held.action, held.entity, held.entity_id, held.before, held.after, held.prev_hash, held.hash)
          IS DISTINCT FROM (r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after, r.prev_hash, r.hash) THEN
        PERFORM intake.refuse('IH010', format('entry %s of station %s is already at the hub with different contents: the hub keeps the first', r.local_seq, s.station_id), fix);
      END IF;
      CONTINUE;
    END IF;
    IF r.local_seq <> head_seq + 1 THEN
      PERFORM intake.refuse('IH011', format('entry %s of station %s would leave a gap: the hub holds entries up to %s', r.local_seq, s.station_id, head_seq),
        format('push from entry %s on', head_seq + 1));
    END IF;
    IF r.prev_hash <> head_hash THEN
      PERFORM intake.refuse('IH012', format('entry %s of station %s does not follow entry %s the hub holds (the chain is broken)', r.local_seq, s.station_id, head_seq), fix);
    END IF;
    IF intake.entry_hash(r.prev_hash, r.local_seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after) <> r.hash THEN
      PERFORM intake.refuse('IH013', format('entry %s of station %s was altered: its hash does not match its contents', r.local_seq, s.station_id), fix);
    END IF;
    INSERT INTO intake.entries (station_id, local_seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash)
      VALUES (s.station_id, r.local_seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after, r.prev_hash, r.hash)
      RETURNING * INTO stored;
    IF stored.action IN ('scan.record', 'scan.undo', 'problem.resolve', 'cure.flag', 'cure.unflag', 'cure.transition') THEN
      PERFORM intake.apply_entry(stored.hub_seq, stored);
    END IF;
    head_seq := r.local_seq;
    head_hash := r.hash;
    added := added + 1;
  END LOOP;
  IF added > 0 THEN PERFORM pg_notify('intake_county', stored.hub_seq::text); END IF;
  RETURN jsonb_build_object('station', s.station_id, 'acknowledgedThrough', head_seq, 'head', head_hash, 'added', added);
END $$;

-- The county's receipt-changing and resolution rows after a cursor: other stations' rows, and
-- conflicts about this station's own receipts (it must show them in its own review queue).
CREATE FUNCTION intake.pull(after_hub_seq bigint, max_rows int)
RETURNS TABLE (hub_seq bigint, station_id text, local_seq bigint, kind text, ballot_id text, voter_id text,
  election_id text, verdict text, station_time text, body jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
#variable_conflict use_column
DECLARE s intake.stations;
BEGIN
  s := intake.calling_station(false);
  IF after_hub_seq IS NULL OR after_hub_seq < 0 OR max_rows IS NULL OR max_rows < 1 OR max_rows > 10000 THEN
    PERFORM intake.refuse('IH006', 'a pull needs a cursor of 0 or more and a row count from 1 to 10000', 'start from cursor 0');
  END IF;
  RETURN QUERY SELECT f.hub_seq, f.station_id, f.local_seq, f.kind, f.ballot_id, f.voter_id, f.election_id, f.verdict,
      f.station_time, f.body
    FROM intake.feed f WHERE f.hub_seq > after_hub_seq AND (f.station_id <> s.station_id OR f.kind = 'conflict')
    ORDER BY f.hub_seq LIMIT max_rows;
END $$;

-- Who the hub thinks this connection is, and how far it holds the station's log.
CREATE FUNCTION intake.whoami() RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE s intake.stations; head_seq bigint; head_hash text;
BEGIN
  s := intake.calling_station(false);
  SELECT c.local_seq, c.hash INTO head_seq, head_hash FROM intake.entries c WHERE c.station_id = s.station_id ORDER BY c.local_seq DESC LIMIT 1;
  RETURN jsonb_build_object('station', s.station_id, 'displayName', s.display_name, 'acknowledgedThrough', coalesce(head_seq, 0),
    'head', coalesce(head_hash, repeat('0', 64)), 'latestHubSeq', (SELECT coalesce(max(f.hub_seq), 0) FROM intake.feed f));
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA intake FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.push(jsonb), intake.pull(bigint, int), intake.whoami() TO intake_station;
`;
