-- Whether a page walks the date index (a common word) or gathers the matches from the
-- trigram index (a rare one) rests on the estimated share of messages holding the text.
-- With the default sample (100 histogram bounds of near-unique messages) a word in 2 % of
-- them was estimated anywhere from 0.01 % to 2 % from one ANALYZE to the next; 1,000 keeps
-- it near the truth. Partitions do not inherit the target: each new day is given it too.
ALTER TABLE "events" ALTER COLUMN "message" SET STATISTICS 1000;--> statement-breakpoint
CREATE OR REPLACE FUNCTION watchtower_event_partition(day date) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  name text := 'events_p' || to_char(day, 'YYYYMMDD');
  low timestamptz := day::timestamp AT TIME ZONE 'UTC';
  high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  PERFORM pg_advisory_xact_lock(746574012);
  IF to_regclass(format('public.%I', name)) IS NOT NULL THEN
    RETURN false;
  END IF;
  IF EXISTS (SELECT 1 FROM events_default WHERE date >= low AND date < high) THEN
    EXECUTE format('CREATE TABLE public.%I (LIKE events INCLUDING DEFAULTS)', name);
    EXECUTE format('ALTER TABLE public.%I ALTER COLUMN message SET STATISTICS 1000', name);
    EXECUTE format(
      'WITH moved AS (DELETE FROM events_default WHERE date >= %L AND date < %L RETURNING *) INSERT INTO public.%I SELECT * FROM moved',
      low, high, name);
    EXECUTE format('ALTER TABLE events ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', name, low, high);
  ELSE
    EXECUTE format('CREATE TABLE public.%I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', name, low, high);
    EXECUTE format('ALTER TABLE public.%I ALTER COLUMN message SET STATISTICS 1000', name);
  END IF;
  RETURN true;
END
$$;
