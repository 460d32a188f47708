CREATE TABLE "cancellations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"effective_date" date NOT NULL,
	"carry_out_by" date NOT NULL,
	"withdrawal_message_id" uuid,
	"withdrawn_at" timestamp with time zone,
	"effected_at" timestamp with time zone,
	"equipment" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"equipment_returned_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cancellations_case_id_unique" UNIQUE("case_id")
);
--> statement-breakpoint
CREATE TABLE "compensations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"service_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"computed_centavos" bigint NOT NULL,
	"refund_centavos" bigint DEFAULT 0 NOT NULL,
	"bonus_centavos" bigint DEFAULT 0 NOT NULL,
	"applied_centavos" bigint,
	"formula" jsonb NOT NULL,
	"explanation" text NOT NULL,
	"effective_date" date,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "compensations_amounts_check" CHECK ("compensations"."computed_centavos" >= 0 and "compensations"."refund_centavos" >= 0
      and "compensations"."bonus_centavos" >= 0 and ("compensations"."applied_centavos" is null or "compensations"."applied_centavos" >= 0))
);
--> statement-breakpoint
CREATE TABLE "service_suspensions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"case_id" uuid,
	"reason" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"reactivate_on" date,
	"ended_at" timestamp with time zone,
	"rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_agent_id" uuid,
	"actor_rule" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "contract_signed_on" date;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "installed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cancellations" ADD CONSTRAINT "cancellations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cancellations" ADD CONSTRAINT "cancellations_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cancellations" ADD CONSTRAINT "cancellations_withdrawal_message_id_messages_id_fk" FOREIGN KEY ("withdrawal_message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compensations" ADD CONSTRAINT "compensations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compensations" ADD CONSTRAINT "compensations_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_suspensions" ADD CONSTRAINT "service_suspensions_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_suspensions" ADD CONSTRAINT "service_suspensions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cancellations_service_idx" ON "cancellations" USING btree ("service_id","status");--> statement-breakpoint
CREATE INDEX "cancellations_due_idx" ON "cancellations" USING btree ("status","effective_date");--> statement-breakpoint
CREATE UNIQUE INDEX "compensations_case_kind_key" ON "compensations" USING btree ("case_id","kind");--> statement-breakpoint
CREATE INDEX "compensations_service_idx" ON "compensations" USING btree ("service_id","created_at");--> statement-breakpoint
CREATE INDEX "compensations_status_idx" ON "compensations" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "service_suspensions_service_idx" ON "service_suspensions" USING btree ("service_id","started_at");--> statement-breakpoint
CREATE INDEX "service_suspensions_reactivate_idx" ON "service_suspensions" USING btree ("reactivate_on") WHERE "service_suspensions"."ended_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "service_suspensions_one_open_key" ON "service_suspensions" USING btree ("service_id") WHERE "service_suspensions"."ended_at" is null;