ALTER TABLE "deadlines" ADD COLUMN "business_minutes" integer;--> statement-breakpoint
CREATE INDEX "cases_stats_idx" ON "cases" USING btree ("created_at","area_id","channel","request_type","status");--> statement-breakpoint
CREATE INDEX "cases_open_idx" ON "cases" USING btree ("area_id","created_at") WHERE "cases"."status" not in ('resuelto', 'cerrado', 'descartado');--> statement-breakpoint
CREATE INDEX "compensations_decided_idx" ON "compensations" USING btree ("decided_at") WHERE "compensations"."status" = 'aplicada';--> statement-breakpoint
CREATE INDEX "compensations_refunded_idx" ON "compensations" USING btree ("refunded_at") WHERE "compensations"."refunded_at" is not null;--> statement-breakpoint
CREATE INDEX "csat_surveys_stats_idx" ON "csat_surveys" USING btree ("answered_at","area_id","agent_id","channel","score") WHERE "csat_surveys"."status" = 'respondida';--> statement-breakpoint
CREATE INDEX "deadlines_case_met_idx" ON "deadlines" USING btree ("started_at","kind","business_minutes","subject_id") WHERE "deadlines"."subject_kind" = 'case' and "deadlines"."met_at" is not null and "deadlines"."cancelled_at" is null;--> statement-breakpoint
CREATE INDEX "deadlines_case_due_idx" ON "deadlines" USING btree ("due_at","kind","met_at","breached_at","paused_at","subject_id") WHERE "deadlines"."subject_kind" = 'case' and "deadlines"."cancelled_at" is null;--> statement-breakpoint
-- Back-fill: clocks counted in calendar time (24/7) measure their minutes here exactly; those in business
-- hours need the calendar arithmetic of src/sla/calendar.ts, so the statistics compute them when read.
UPDATE "deadlines" SET "business_minutes" = greatest(0, round((extract(epoch from "met_at" - "started_at") * 1000 - "paused_ms") / 60000))::integer WHERE "met_at" IS NOT NULL AND "calendar" = '{"zone":"UTC","hours":{"monday":[{"from":"00:00","to":"24:00"}],"tuesday":[{"from":"00:00","to":"24:00"}],"wednesday":[{"from":"00:00","to":"24:00"}],"thursday":[{"from":"00:00","to":"24:00"}],"friday":[{"from":"00:00","to":"24:00"}],"saturday":[{"from":"00:00","to":"24:00"}],"sunday":[{"from":"00:00","to":"24:00"}]},"restDays":false,"closures":[]}'::jsonb;
