-- A case's deadlines become clocks of the subject 'case', which pause while the case waits on its customer.
-- Check jobs already queued name the case and the kind; the job still accepts that.
INSERT INTO "deadlines" ("subject_kind", "subject_id", "kind", "target", "source", "calendar", "pausable",
    "started_at", "due_at", "paused_at", "paused_ms", "pauses", "met_at", "warned_at", "breached_at")
  SELECT 'case', "case_id", "kind", "target", "source", "calendar", true,
    "started_at", "due_at", "paused_at", "paused_ms", "pauses", "met_at", "warned_at", "breached_at"
  FROM "case_deadlines";--> statement-breakpoint
-- Alerts keep their ids, so an acknowledgement from a board loaded before the upgrade still finds its alert.
INSERT INTO "deadline_alerts" ("id", "deadline_id", "kind", "notify_agent_ids", "raised_at", "acknowledged_at",
    "acknowledged_by", "cleared_at")
  SELECT f."id", d."id", f."kind", f."notify_agent_ids", f."raised_at", f."acknowledged_at",
    f."acknowledged_by", f."cleared_at"
  FROM "case_flags" f
  JOIN "deadlines" d ON d."subject_kind" = 'case' AND d."subject_id" = f."case_id" AND d."kind" = f."deadline_kind";
