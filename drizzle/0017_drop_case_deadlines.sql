DROP TABLE "case_deadlines" CASCADE;--> statement-breakpoint
DROP TABLE "case_flags" CASCADE;