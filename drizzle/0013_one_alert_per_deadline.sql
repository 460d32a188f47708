DROP INDEX "case_flags_once_key";--> statement-breakpoint
CREATE UNIQUE INDEX "case_flags_deadline_key" ON "case_flags" USING btree ("case_id","deadline_kind");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_next_due_kind_check" CHECK ("cases"."next_due_kind" in ('primera_respuesta', 'resolucion'));