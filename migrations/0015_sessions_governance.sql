-- Sessions governance (seed 001 Build: 例外権限, RACI/SLA, 監査設計; Run: 例外処理): each coach's
-- versioned exception policy, and the projection of every exception case an engagement's
-- object writes in the same batch as the reservation row (the coach portal and the console
-- queue read it; the reservation's events remain the audit log).
CREATE TABLE `coach_policies` (
	`coach_id` text NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`version` integer NOT NULL,
	`policy` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`coach_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `session_exceptions` (
	`id` text PRIMARY KEY NOT NULL,
	`engagement_id` text NOT NULL,
	`coach_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`in_policy` integer NOT NULL,
	`rule` text NOT NULL,
	`policy_version` integer NOT NULL,
	`reason` text NOT NULL,
	`request` text DEFAULT '{}' NOT NULL,
	`opened_at` integer NOT NULL,
	`opened_by` text NOT NULL,
	`decision` text,
	`decided_at` integer,
	`decided_by` text,
	`note` text,
	`done_at` integer
);
--> statement-breakpoint
CREATE INDEX `session_exceptions_coach_status` ON `session_exceptions` (`coach_id`,`status`);
--> statement-breakpoint
CREATE INDEX `session_exceptions_opened` ON `session_exceptions` (`opened_at`);
--> statement-breakpoint
-- The weekly sample audit (Run：定期業務（週次）): the items drawn for a week, fixed once drawn,
-- each marked ok or fix with a note by an operator.
CREATE TABLE `audit_reviews` (
	`week` text NOT NULL,
	`item_id` text NOT NULL,
	`coach_id` text NOT NULL,
	`engagement_id` text NOT NULL,
	`at` integer NOT NULL,
	`summary` text NOT NULL,
	`verdict` text,
	`note` text,
	`reviewed_by` text,
	`reviewed_at` integer,
	PRIMARY KEY(`week`, `item_id`)
);
--> statement-breakpoint
CREATE INDEX `audit_reviews_coach` ON `audit_reviews` (`coach_id`,`week`);
--> statement-breakpoint
-- Fixes become SOP notes kept with the coach's settings (是正・SOP更新).
CREATE TABLE `coach_sop_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`coach_id` text NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`note` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `coach_sop_notes_coach` ON `coach_sop_notes` (`coach_id`,`created_at`);
