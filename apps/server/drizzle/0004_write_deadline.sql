-- A write carries the time by which it must be done. Called as a write's last step, this
-- fails the whole statement (or transaction) past that time, so a write that waited on a
-- slow or unreachable database, and was already answered 503, is never applied later.
CREATE OR REPLACE FUNCTION watchtower_write_deadline(deadline timestamptz) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF clock_timestamp() > deadline THEN
    RAISE EXCEPTION 'the write missed its deadline (%); nothing of it was applied', deadline USING ERRCODE = '57014';
  END IF;
  RETURN true;
END
$$;
