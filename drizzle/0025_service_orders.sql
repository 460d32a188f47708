CREATE TABLE "service_order_visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"photo_sha256" text,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" serial NOT NULL,
	"case_id" uuid NOT NULL,
	"service_id" uuid,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"technician_agent_id" uuid,
	"technician_name" text,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_orders_number_unique" UNIQUE("number"),
	CONSTRAINT "service_orders_window_check" CHECK ("service_orders"."window_end" is null or ("service_orders"."window_start" is not null and "service_orders"."window_end" > "service_orders"."window_start"))
);
--> statement-breakpoint
ALTER TABLE "service_order_visits" ADD CONSTRAINT "service_order_visits_order_id_service_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."service_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_order_visits" ADD CONSTRAINT "service_order_visits_photo_sha256_attachment_blobs_sha256_fk" FOREIGN KEY ("photo_sha256") REFERENCES "public"."attachment_blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_orders" ADD CONSTRAINT "service_orders_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_orders" ADD CONSTRAINT "service_orders_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_orders" ADD CONSTRAINT "service_orders_technician_agent_id_agents_id_fk" FOREIGN KEY ("technician_agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_order_visits_order_idx" ON "service_order_visits" USING btree ("order_id","recorded_at");--> statement-breakpoint
CREATE INDEX "service_orders_case_idx" ON "service_orders" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "service_orders_technician_idx" ON "service_orders" USING btree ("technician_agent_id","window_start");