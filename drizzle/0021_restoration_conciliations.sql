CREATE TABLE "conciliations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"service_id" uuid,
	"expediente" text NOT NULL,
	"opened_on" date NOT NULL,
	"closed_on" date,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conciliations_closed_after_opened" CHECK ("conciliations"."closed_on" is null or "conciliations"."closed_on" >= "conciliations"."opened_on")
);
--> statement-breakpoint
CREATE TABLE "suspension_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"noticed_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "failure_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "service_restored_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conciliations" ADD CONSTRAINT "conciliations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conciliations" ADD CONSTRAINT "conciliations_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suspension_notices" ADD CONSTRAINT "suspension_notices_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conciliations_customer_idx" ON "conciliations" USING btree ("customer_id","closed_on");--> statement-breakpoint
CREATE INDEX "suspension_notices_service_idx" ON "suspension_notices" USING btree ("service_id","noticed_on");