-- Live updates for agents' consoles: every appended event is announced on a channel that each server
-- process listens to (LISTEN/NOTIFY), so a change made through one process reaches consoles on all.
CREATE OR REPLACE FUNCTION atiende_announce_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('atiende_events', json_build_object('id', NEW.id, 'kind', NEW.kind, 'caseId', NEW.case_id)::text);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_announce AFTER INSERT ON events
  FOR EACH ROW EXECUTE FUNCTION atiende_announce_event();
