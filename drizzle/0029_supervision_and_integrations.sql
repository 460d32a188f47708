CREATE TABLE "csat_surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"area_id" integer NOT NULL,
	"agent_id" uuid,
	"status" text DEFAULT 'enviada' NOT NULL,
	"token_hash" text NOT NULL,
	"score" smallint,
	"comment" text,
	"sent_at" timestamp with time zone NOT NULL,
	"answered_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "csat_surveys_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "csat_surveys_status_check" CHECK ("csat_surveys"."status" in ('enviada', 'respondida', 'expirada')),
	CONSTRAINT "csat_surveys_score_check" CHECK ("csat_surveys"."score" is null or "csat_surveys"."score" between 1 and 5),
	CONSTRAINT "csat_surveys_answered_has_score" CHECK ("csat_surveys"."status" <> 'respondida' or "csat_surveys"."score" is not null)
);
--> statement-breakpoint
CREATE TABLE "regulator_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period" text NOT NULL,
	"categories" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"csv" "bytea" NOT NULL,
	"csv_sha256" text NOT NULL,
	"xlsx" "bytea" NOT NULL,
	"xlsx_sha256" text NOT NULL,
	"generated_by_agent_id" uuid,
	"generated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "regulator_reports_period_unique" UNIQUE("period")
);
--> statement-breakpoint
CREATE TABLE "webhook_cursor" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_event_id" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "webhook_cursor_single_row" CHECK ("webhook_cursor"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subscription_id" uuid NOT NULL,
	"event_id" bigint NOT NULL,
	"event_kind" text NOT NULL,
	"status" text DEFAULT 'pendiente' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_status_check" CHECK ("webhook_deliveries"."status" in ('pendiente', 'entregada', 'fallida'))
);
--> statement-breakpoint
CREATE TABLE "webhook_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"event_kinds" text[] NOT NULL,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_by_agent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_area_id_areas_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."areas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regulator_reports" ADD CONSTRAINT "regulator_reports_generated_by_agent_id_agents_id_fk" FOREIGN KEY ("generated_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_webhook_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."webhook_subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_subscriptions" ADD CONSTRAINT "webhook_subscriptions_created_by_agent_id_agents_id_fk" FOREIGN KEY ("created_by_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "csat_surveys_case_key" ON "csat_surveys" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "csat_surveys_customer_idx" ON "csat_surveys" USING btree ("customer_id","sent_at");--> statement-breakpoint
CREATE INDEX "csat_surveys_answered_idx" ON "csat_surveys" USING btree ("answered_at") WHERE "csat_surveys"."answered_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_subscription_event_key" ON "webhook_deliveries" USING btree ("subscription_id","event_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_subscription_idx" ON "webhook_deliveries" USING btree ("subscription_id","created_at");--> statement-breakpoint
-- An archived regulator report is evidence: once generated, the database itself refuses to change or remove it.
CREATE OR REPLACE FUNCTION atiende_regulator_reports_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'regulator reports are immutable once generated (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER regulator_reports_immutable BEFORE UPDATE OR DELETE ON regulator_reports
  FOR EACH ROW EXECUTE FUNCTION atiende_regulator_reports_immutable();
--> statement-breakpoint
INSERT INTO webhook_cursor (id, last_event_id) VALUES (1, 0) ON CONFLICT DO NOTHING;
