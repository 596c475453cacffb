/**
 * Hub migration 2: the functions stations call — the only door a station role has.
 *
 * Each is SECURITY DEFINER (runs as intake_hub_owner) with `SET search_path = intake, pg_temp`
 * (pg_temp last, so a caller's temporary objects cannot shadow ours: PostgreSQL 18 docs,
 * CREATE FUNCTION, "Writing SECURITY DEFINER Functions Safely"). The calling station is
 * `session_user` — the role it logged in as — never anything in the payload.
 *
 * Errors: SQLSTATE class "IH" (not used by PostgreSQL), a plain-words MESSAGE, a HINT saying
 * what to do. Any error rolls back the whole call: a refused push changes nothing.
 *   IH001 not a station  IH002 retired  IH003 push not an array / too big  IH004 malformed entry
 *   IH005 entry names another station  IH006 bad pull arguments
 *   IH010 same seq, different content  IH011 gap  IH012 broken chain  IH013 hash does not match
 */
export const v2Functions = `
-- The station's entryHash (main/store/audit.ts): sha256 over the fields joined with U+001F.
CREATE FUNCTION intake.entry_hash(prev_hash text, seq bigint, at text, actor text, action text,
    entity text, entity_id text, before text, after text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(concat_ws(chr(31), prev_hash, seq::text, at, actor, action, entity,
    coalesce(entity_id, ''), coalesce(before, ''), coalesce(after, '')), 'UTF8')), 'hex')
$$;

CREATE FUNCTION intake.refuse(code text, message text, hint text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, HINT = hint;
END $$;

-- The station this session logged in as, row-locked (FOR UPDATE while pushing, FOR SHARE while
-- pulling) so "intake hub station retire" waits for a call in flight and every later call sees it.
CREATE FUNCTION intake.calling_station(for_push boolean) RETURNS intake.stations
LANGUAGE plpgsql AS $$
DECLARE s intake.stations;
BEGIN
  IF for_push THEN
    SELECT * INTO s FROM intake.stations WHERE role_name = session_user FOR UPDATE;
  ELSE
    SELECT * INTO s FROM intake.stations WHERE role_name = session_user FOR SHARE;
  END IF;
  IF NOT FOUND THEN
    PERFORM intake.refuse('IH001', format('the database role %s is not a station registered at this hub', session_user),
      'register the station with "intake hub station add ID" and connect as the role it names');
  END IF;
  IF s.retired_at IS NOT NULL THEN
    PERFORM intake.refuse('IH002', format('station %s was retired on %s: it can no longer push or pull', s.station_id,
      to_char(s.retired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')),
      'a replacement station is registered under a new ID with "intake hub station add"');
  END IF;
  RETURN s;
END $$;

-- One field of one entry: a string (or null where allowed), within a length, matching a pattern.
CREATE FUNCTION intake.entry_text(e jsonb, key text, i int, required boolean, max_len int, pattern text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE v text;
BEGIN
  IF NOT (e ? key) OR jsonb_typeof(e -> key) = 'null' THEN
    IF required THEN
      PERFORM intake.refuse('IH004', format('entry %s of the push has no %s', i, key), 'push the audit log rows exactly as the station stores them');
    END IF;
    RETURN NULL;
  END IF;
  IF jsonb_typeof(e -> key) <> 'string' THEN
    PERFORM intake.refuse('IH004', format('entry %s of the push: %s must be text, not %s', i, key, jsonb_typeof(e -> key)),
      'push the audit log rows exactly as the station stores them');
  END IF;
  v := e ->> key;
  IF length(v) > max_len THEN
    PERFORM intake.refuse('IH004', format('entry %s of the push: %s is %s characters long, more than the %s allowed', i, key, length(v), max_len),
      'an audit entry this large was not written by the station software');
  END IF;
  IF pattern IS NOT NULL AND v !~ pattern THEN
    PERFORM intake.refuse('IH004', format('entry %s of the push: %s is not in the expected form', i, key),
      'push the audit log rows exactly as the station stores them');
  END IF;
  RETURN v;
END $$;

-- Checks one pushed entry's shape and returns it as an entries row (hub_seq not yet set).
CREATE FUNCTION intake.parse_entry(e jsonb, i int, me text) RETURNS intake.entries
LANGUAGE plpgsql AS $$
DECLARE r intake.entries; extra text; j text;
BEGIN
  IF jsonb_typeof(e) IS DISTINCT FROM 'object' THEN
    PERFORM intake.refuse('IH004', format('entry %s of the push is not a JSON object', i), 'push the audit log rows exactly as the station stores them');
  END IF;
  SELECT string_agg(k, ', ') INTO extra FROM jsonb_object_keys(e) k
    WHERE k <> ALL (ARRAY['seq', 'at', 'actor', 'action', 'entity', 'entity_id', 'before', 'after', 'prev_hash', 'hash', 'station']);
  IF extra IS NOT NULL THEN
    PERFORM intake.refuse('IH004', format('entry %s of the push has fields the hub does not know: %s', i, left(extra, 200)),
      'push the audit log rows exactly as the station stores them');
  END IF;
  IF e ? 'station' AND (jsonb_typeof(e -> 'station') <> 'string' OR e ->> 'station' <> me) THEN
    PERFORM intake.refuse('IH005', format('entry %s names station %s, but this connection is station %s: a station pushes only its own log',
      i, left(e ->> 'station', 60), me), 'check hub.station and the credentials in this station''s configuration');
  END IF;
  IF jsonb_typeof(e -> 'seq') IS DISTINCT FROM 'number' OR (e ->> 'seq') !~ '^[1-9][0-9]{0,15}$' THEN
    PERFORM intake.refuse('IH004', format('entry %s of the push: seq must be a whole number from 1 up', i), 'push the audit log rows exactly as the station stores them');
  END IF;
  r.station_id := me;
  r.local_seq := (e ->> 'seq')::bigint;
  r.at := intake.entry_text(e, 'at', i, true, 40, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$');
  r.actor := intake.entry_text(e, 'actor', i, true, 200, NULL);
  r.action := intake.entry_text(e, 'action', i, true, 64, '^[a-z][a-z0-9._-]*$');
  r.entity := intake.entry_text(e, 'entity', i, true, 64, '^[A-Za-z][A-Za-z0-9._-]*$');
  r.entity_id := intake.entry_text(e, 'entity_id', i, false, 200, NULL);
  r.before := intake.entry_text(e, 'before', i, false, 1048576, NULL);
  r.after := intake.entry_text(e, 'after', i, false, 1048576, NULL);
  r.prev_hash := intake.entry_text(e, 'prev_hash', i, true, 64, '^[0-9a-f]{64}$');
  r.hash := intake.entry_text(e, 'hash', i, true, 64, '^[0-9a-f]{64}$');
  FOREACH j IN ARRAY ARRAY[r.before, r.after] LOOP
    IF j IS NOT NULL AND NOT pg_input_is_valid(j, 'json') THEN
      PERFORM intake.refuse('IH004', format('entry %s of the push: before/after is not JSON', i), 'push the audit log rows exactly as the station stores them');
    END IF;
  END LOOP;
  RETURN r;
END $$;
`;
