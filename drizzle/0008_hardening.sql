CREATE TABLE "inbound_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"sha256" text NOT NULL,
	"body" "bytea" NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "quarantined_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"sha256" text NOT NULL,
	"delivery_id" uuid,
	"external_id" text,
	"raw" "bytea" NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"hits" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "password_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "claimed_contact" jsonb;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "proposed_customer_id" uuid;--> statement-breakpoint
ALTER TABLE "inbound_receipts" ADD COLUMN "credential" text;--> statement-breakpoint
ALTER TABLE "quarantined_messages" ADD CONSTRAINT "quarantined_messages_delivery_id_inbound_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."inbound_deliveries"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_deliveries_channel_sha256_key" ON "inbound_deliveries" USING btree ("channel","sha256");--> statement-breakpoint
CREATE INDEX "inbound_deliveries_pending_idx" ON "inbound_deliveries" USING btree ("received_at") WHERE "inbound_deliveries"."processed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "quarantined_messages_channel_sha256_key" ON "quarantined_messages" USING btree ("channel","sha256");--> statement-breakpoint
CREATE INDEX "quarantined_messages_open_idx" ON "quarantined_messages" USING btree ("created_at") WHERE "quarantined_messages"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "throttles_window_idx" ON "throttles" USING btree ("window_start");