-- 1-on-1 sessions (seed 001): what a coach sets up in Build (menus, availability, versioned
-- terms and contract documents, how meeting URLs are made), and the projections of each
-- engagement that its Durable Object writes in the same batch as the reservation row.
CREATE TABLE `coaches` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text REFERENCES `users`(`id`) ON UPDATE cascade ON DELETE set null,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`email` text,
	`bio` text DEFAULT '' NOT NULL,
	`meeting_mode` text DEFAULT 'fixed' NOT NULL,
	`meeting_url` text NOT NULL,
	`trial_offered` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `coaches_user_unique` ON `coaches` (`user_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `coaches_phone_unique` ON `coaches` (`phone`);
--> statement-breakpoint
CREATE TABLE `session_menus` (
	`id` text PRIMARY KEY NOT NULL,
	`coach_id` text NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`out_of_scope` text DEFAULT '' NOT NULL,
	`price_jpy` integer NOT NULL,
	`minutes` integer NOT NULL,
	`sessions` integer DEFAULT 1 NOT NULL,
	`trial` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `session_menus_coach` ON `session_menus` (`coach_id`);
--> statement-breakpoint
CREATE TABLE `coach_availability` (
	`coach_id` text PRIMARY KEY NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`weekly` text DEFAULT '[]' NOT NULL,
	`exceptions` text DEFAULT '[]' NOT NULL,
	`buffer_minutes` integer DEFAULT 0 NOT NULL,
	`min_notice_minutes` integer DEFAULT 0 NOT NULL,
	`step_minutes` integer DEFAULT 30 NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `session_documents` (
	`coach_id` text NOT NULL REFERENCES `coaches`(`id`) ON DELETE cascade,
	`kind` text NOT NULL,
	`version` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`coach_id`, `kind`, `version`)
);
--> statement-breakpoint
CREATE TABLE `engagements` (
	`id` text PRIMARY KEY NOT NULL,
	`coach_id` text NOT NULL,
	`menu_id` text NOT NULL,
	`client_phone` text NOT NULL,
	`client_name` text NOT NULL,
	`status` text NOT NULL,
	`crm` text NOT NULL,
	`trial` integer DEFAULT false NOT NULL,
	`sessions_bought` integer DEFAULT 0 NOT NULL,
	`sessions_used` integer DEFAULT 0 NOT NULL,
	`next_start_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `engagements_coach_status` ON `engagements` (`coach_id`,`status`);
--> statement-breakpoint
CREATE INDEX `engagements_client` ON `engagements` (`client_phone`);
--> statement-breakpoint
CREATE TABLE `engagement_sessions` (
	`engagement_id` text NOT NULL,
	`no` integer NOT NULL,
	`coach_id` text NOT NULL,
	`trial` integer DEFAULT false NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`meeting_url` text NOT NULL,
	`outcome` text,
	`notes` text,
	`reported_at` integer,
	`reported_by` text,
	PRIMARY KEY(`engagement_id`, `no`)
);
--> statement-breakpoint
CREATE INDEX `engagement_sessions_coach_start` ON `engagement_sessions` (`coach_id`,`start_at`);
--> statement-breakpoint
CREATE TABLE `session_agreements` (
	`engagement_id` text NOT NULL,
	`document` text NOT NULL,
	`version` integer NOT NULL,
	`agreed_at` integer NOT NULL,
	`agreed_by` text NOT NULL,
	PRIMARY KEY(`engagement_id`, `document`, `version`, `agreed_at`)
);
--> statement-breakpoint
CREATE TABLE `session_surveys` (
	`engagement_id` text NOT NULL,
	`session_no` integer NOT NULL,
	`coach_id` text NOT NULL,
	`score` integer NOT NULL,
	`comment` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`engagement_id`, `session_no`)
);
--> statement-breakpoint
CREATE TABLE `coach_clients` (
	`coach_id` text NOT NULL,
	`client_phone` text NOT NULL,
	`client_name` text NOT NULL,
	`crm` text NOT NULL,
	`engagement_id` text NOT NULL,
	`sessions_held` integer DEFAULT 0 NOT NULL,
	`last_session_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`coach_id`, `client_phone`)
);
