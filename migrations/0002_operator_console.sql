CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`level` text NOT NULL,
	`detected_at` integer NOT NULL,
	`impact` text NOT NULL,
	`cause` text DEFAULT '' NOT NULL,
	`actions` text DEFAULT '' NOT NULL,
	`recovered_at` integer,
	`prevention` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`updated_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `incidents_detected` ON `incidents` (`detected_at`);--> statement-breakpoint
CREATE INDEX `incidents_level` ON `incidents` (`level`,`detected_at`);--> statement-breakpoint
ALTER TABLE `reservations` ADD `open_cases` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE INDEX `reservations_open_cases` ON `reservations` (`updated_at`) WHERE open_cases <> '[]';--> statement-breakpoint
-- Reservations already waiting for an operator when the console arrives join its queue.
UPDATE `reservations` SET `open_cases` = json_array(json_object('case', CASE `status` WHEN 'pending_shop_response' THEN 'ambiguous_answer' ELSE `status` END, 'at', `updated_at`)) WHERE `status` IN ('no_shop_available', 'pending_shop_response', 'change_requested');
