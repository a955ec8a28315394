-- Lodging front desk (seed 004 §3(1)3, §3(3)5): room statuses with their audit trail, check-in
-- and check-out times per room line, and cancellations waiting for staff.
ALTER TABLE `rooms` ADD `status` text DEFAULT 'available' NOT NULL;--> statement-breakpoint
ALTER TABLE `rooms` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `rooms` ADD `status_from` text;--> statement-breakpoint
ALTER TABLE `rooms` ADD `status_until` text;--> statement-breakpoint
ALTER TABLE `rooms` ADD `status_order_id` text;--> statement-breakpoint
ALTER TABLE `rooms` ADD `status_changed_at` integer;--> statement-breakpoint
CREATE TABLE `room_status_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` text NOT NULL REFERENCES `rooms`(`id`),
	`action` text NOT NULL,
	`from_status` text NOT NULL,
	`to_status` text NOT NULL,
	`reason` text,
	`date_from` text,
	`date_until` text,
	`order_id` text,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `room_status_events_room` ON `room_status_events` (`room_id`,`id`);--> statement-breakpoint
ALTER TABLE `lodging_order_lines` ADD `checked_in_at` integer;--> statement-breakpoint
ALTER TABLE `lodging_order_lines` ADD `checked_out_at` integer;--> statement-breakpoint
ALTER TABLE `lodging_orders` ADD `pending_cancellation` text;--> statement-breakpoint
ALTER TABLE `lodging_orders` ADD `refunded_points` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `lodging_orders_pending_cancellation` ON `lodging_orders` (`pending_cancellation`);
