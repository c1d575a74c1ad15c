-- When a service's newest pending "down" alert was raised, seen afresh. A pulse statement
-- that waited for a death claim's row lock sees, through its own snapshot, the heartbeat
-- the claim changed but not the alert it inserted; a volatile function takes a new
-- snapshot for its query, so the recovery can be queued behind that down.
CREATE OR REPLACE FUNCTION watchtower_latest_pending_down(of_service text) RETURNS timestamptz
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN (SELECT max(created_at) FROM alerts WHERE service = of_service AND status = 'pending' AND kind = 'down');
END
$$;
