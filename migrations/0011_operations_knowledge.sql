-- Operations knowledge and reports (seed 000 §4.2.2, §6, §7; seed 003): support KPIs on
-- inquiries, the FAQ built from entries, feature requests told when shipped, scheduled
-- reports, the nightly management figures and the monthly maintenance checklist.
ALTER TABLE `inquiries` ADD `first_response_at` integer;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `satisfaction` integer;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `satisfaction_at` integer;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `survey_token_hash` text;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `feature_request_id` text;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `shipped_notified_at` integer;--> statement-breakpoint
ALTER TABLE `inquiries` ADD `incident_id` text;--> statement-breakpoint
CREATE INDEX `inquiries_created` ON `inquiries` (`created_at`);--> statement-breakpoint
CREATE INDEX `inquiries_feature_request` ON `inquiries` (`feature_request_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `inquiries_survey_token` ON `inquiries` (`survey_token_hash`);--> statement-breakpoint
CREATE TABLE `faq_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`section` text NOT NULL,
	`question_ja` text NOT NULL,
	`answer_ja` text NOT NULL,
	`question_en` text NOT NULL,
	`answer_en` text NOT NULL,
	`source_inquiry_id` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL
);--> statement-breakpoint
CREATE TABLE `feature_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`shipped_note_ja` text DEFAULT '' NOT NULL,
	`shipped_note_en` text DEFAULT '' NOT NULL,
	`shipped_at` integer,
	`created_by` text NOT NULL,
	`updated_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`period_start` integer NOT NULL,
	`period_end` integer NOT NULL,
	`doc` text NOT NULL,
	`recipients` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX `reports_period` ON `reports` (`kind`,`period_start`);--> statement-breakpoint
CREATE TABLE `metric_snapshots` (
	`name` text PRIMARY KEY NOT NULL,
	`data` text NOT NULL,
	`computed_at` integer NOT NULL
);--> statement-breakpoint
CREATE TABLE `maintenance_checks` (
	`month` text NOT NULL,
	`item` text NOT NULL,
	`done_by` text NOT NULL,
	`done_at` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`attachment` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`month`, `item`)
);
