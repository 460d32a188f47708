-- Hand-written: fills the nearest pending deadline of cases opened before it was kept on the row, and
-- brings the alerts to one per deadline. Every statement can run again without changing the result.

-- The nearest pending deadline: first response until it is met, then resolution. A deadline paused before
-- it fell due has no due date (it is waiting, neither late nor on time); one paused after keeps it.
-- The warning instant is the warning share of the target: exact for calendar-clock targets, and for
-- business-clock ones measured in elapsed time here (the exact business-hours instant is computed in
-- the application); it is exact again once anything changes the case's deadlines.
WITH warn AS (
  SELECT coalesce((SELECT (settings -> 'deadlines' ->> 'warnAt')::float8 FROM provider_settings WHERE id = 1), 0.8) AS share
), pending AS (
  SELECT DISTINCT ON (d.case_id) d.case_id, d.kind, d.started_at, d.due_at, d.paused_at, d.paused_ms
  FROM case_deadlines d
  WHERE d.met_at IS NULL
  ORDER BY d.case_id, (d.kind = 'primera_respuesta') DESC
)
UPDATE cases c SET
  next_due_kind = p.kind,
  next_due_at = CASE WHEN p.paused_at IS NOT NULL AND p.paused_at <= p.due_at THEN NULL ELSE p.due_at END,
  next_warn_at = CASE WHEN p.paused_at IS NOT NULL AND p.paused_at <= p.due_at THEN NULL
    ELSE p.started_at + (p.due_at - p.started_at - p.paused_ms * interval '1 millisecond') * warn.share
      + p.paused_ms * interval '1 millisecond' END
FROM pending p, warn
WHERE p.case_id = c.id;
--> statement-breakpoint
UPDATE cases c SET next_due_kind = NULL, next_due_at = NULL, next_warn_at = NULL
WHERE c.next_due_kind IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.met_at IS NULL);
--> statement-breakpoint
UPDATE cases c SET deadline_met_late = true
WHERE NOT c.deadline_met_late
  AND EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.met_at > d.due_at);
--> statement-breakpoint
-- One alert per deadline: a breach replaces the warning (the warning stays in the audit trail as its event).
DELETE FROM case_flags w
WHERE w.kind = 'por_vencer'
  AND EXISTS (
    SELECT 1 FROM case_flags v
    WHERE v.case_id = w.case_id AND v.deadline_kind = w.deadline_kind AND v.kind = 'vencido'
  );
--> statement-breakpoint
-- Alerts of deadlines already met are off the boards.
UPDATE case_flags f SET cleared_at = d.met_at
FROM case_deadlines d
WHERE d.case_id = f.case_id AND d.kind = f.deadline_kind AND d.met_at IS NOT NULL AND f.cleared_at IS NULL;
