/**
 * Hub migration 5: envelope and signature image FILES (docs/county.md "Envelope images").
 * The decisions about them already replicate as audit entries (`image.store`); the bytes come
 * here, named by their SHA-256 as in the station's image store (main/images/image-store.ts), so
 * another station can show a picture it never captured. Content-addressed: the same picture
 * sent twice (or by two stations) is one row, and bytes that do not hash to their name are
 * refused. Only the functions below are granted to stations, as for push and pull.
 *   IH030 bytes do not match their name  IH031 empty, over 20 MB, or not a SHA-256 name
 *   (IH001/IH002 from intake.calling_station: an unknown or retired station)
 */
export const countyImagesMigration = {
  name: 'county images: files by SHA-256',
  sql: String.raw`
CREATE TABLE intake.images (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  station_id text NOT NULL REFERENCES intake.stations(station_id),
  bytes bytea NOT NULL,
  size int NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Stores one image file; true when it is new, false when the hub already held it.
CREATE FUNCTION intake.put_image(p_sha256 text, p_bytes bytea) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = intake, pg_temp AS $$
DECLARE s intake.stations := intake.calling_station(false);
BEGIN
  IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' THEN
    PERFORM intake.refuse('IH031', 'an image is named by its SHA-256: 64 lowercase hex digits', 'send the name the station''s image store uses');
  END IF;
  IF p_bytes IS NULL OR length(p_bytes) = 0 THEN
    PERFORM intake.refuse('IH031', format('image %s… is empty (zero bytes)', left(p_sha256, 12)), 'send the file''s bytes');
  END IF;
  IF length(p_bytes) > 20 * 1024 * 1024 THEN
    PERFORM intake.refuse('IH031', format('image %s… is %s bytes, more than the 20 MB the hub takes', left(p_sha256, 12), length(p_bytes)),
      'an envelope picture is far smaller: check the file');
  END IF;
  IF encode(sha256(p_bytes), 'hex') <> p_sha256 THEN
    PERFORM intake.refuse('IH030', format('image %s… from station %s does not match its name (its content hashes to %s…): it was altered or damaged, and the hub did not keep it',
      left(p_sha256, 12), s.station_id, left(encode(sha256(p_bytes), 'hex'), 12)), 'run "intake audit verify" at that station');
  END IF;
  INSERT INTO intake.images (sha256, station_id, bytes, size) VALUES (p_sha256, s.station_id, p_bytes, length(p_bytes))
    ON CONFLICT (sha256) DO NOTHING;
  RETURN FOUND;
END $$;

-- The bytes of an image, or NULL when the hub does not hold it (any registered, active station).
CREATE FUNCTION intake.get_image(p_sha256 text) RETURNS bytea
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
BEGIN
  PERFORM intake.calling_station(false);
  RETURN (SELECT bytes FROM intake.images WHERE sha256 = p_sha256);
END $$;

-- Which of these names the hub already holds (so a restarted station does not send them again).
CREATE FUNCTION intake.has_images(p_names text[]) RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = intake, pg_temp AS $$
BEGIN
  PERFORM intake.calling_station(false);
  IF cardinality(p_names) > 1000 THEN
    PERFORM intake.refuse('IH031', 'ask about at most 1000 images at once', 'ask in pages');
  END IF;
  RETURN coalesce((SELECT array_agg(sha256) FROM intake.images WHERE sha256 = ANY (p_names)), '{}');
END $$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['put_image(text,bytea)', 'get_image(text)', 'has_images(text[])'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION intake.%s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION intake.%s TO intake_station', f);
  END LOOP;
END $$;
`,
};
