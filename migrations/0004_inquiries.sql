CREATE TABLE `inquiries` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`reservation_id` text,
	`reservation_verified` integer DEFAULT false NOT NULL,
	`name` text NOT NULL,
	`contact` text NOT NULL,
	`category` text NOT NULL,
	`message` text NOT NULL,
	`language` text NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`source` text NOT NULL,
	`user_agent` text,
	`handled_by` text,
	`operator_note` text DEFAULT '' NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inquiries_status_created` ON `inquiries` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `inquiries_reservation` ON `inquiries` (`reservation_id`);