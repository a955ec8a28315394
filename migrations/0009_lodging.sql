-- Lodging (seed 004): room types, rooms, daily rates, members with prepaid points (an
-- append-only ledger, top-ups), orders and their lines, and the availability projection
-- for search. The rooms' calendars themselves live in one Durable Object per room.
CREATE TABLE `room_types` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_en` text,
	`default_points` integer NOT NULL CHECK (`default_points` >= 0),
	`description` text DEFAULT '' NOT NULL,
	`sort` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `room_types_name_unique` ON `room_types` (`name`);--> statement-breakpoint
CREATE TABLE `rooms` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`room_type_id` text NOT NULL REFERENCES `room_types`(`id`),
	`floor_area_m2` real NOT NULL,
	`max_guests` integer NOT NULL,
	`amenities` text DEFAULT '[]' NOT NULL,
	`images` text DEFAULT '[]' NOT NULL,
	`floor` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rooms_number_unique` ON `rooms` (`number`);--> statement-breakpoint
CREATE INDEX `rooms_type` ON `rooms` (`room_type_id`,`number`);--> statement-breakpoint
CREATE TABLE `room_rates` (
	`room_type_id` text NOT NULL REFERENCES `room_types`(`id`),
	`date` text NOT NULL,
	`points` integer NOT NULL CHECK (`points` >= 0),
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`room_type_id`, `date`)
);
--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL REFERENCES `users`(`id`),
	`name` text NOT NULL,
	`id_number_hash` text NOT NULL,
	`id_number_last4` text NOT NULL,
	`phone` text NOT NULL,
	`email` text NOT NULL,
	`birth_date` text NOT NULL,
	`points_balance` integer DEFAULT 0 NOT NULL CHECK (`points_balance` >= 0),
	`registered_via` text DEFAULT 'online' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_user_unique` ON `members` (`user_id`);--> statement-breakpoint
CREATE INDEX `members_name` ON `members` (`name`);--> statement-breakpoint
CREATE TABLE `point_ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`member_id` text NOT NULL REFERENCES `members`(`id`),
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`ref` text NOT NULL,
	`order_id` text,
	`operator` text,
	`reason` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `point_ledger_ref_unique` ON `point_ledger` (`ref`);--> statement-breakpoint
CREATE INDEX `point_ledger_member` ON `point_ledger` (`member_id`,`id`);--> statement-breakpoint
CREATE TRIGGER `point_ledger_append_only_update` BEFORE UPDATE ON `point_ledger` BEGIN SELECT RAISE(ABORT, 'point_ledger is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `point_ledger_append_only_delete` BEFORE DELETE ON `point_ledger` BEGIN SELECT RAISE(ABORT, 'point_ledger is append-only'); END;--> statement-breakpoint
CREATE TABLE `point_topups` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL REFERENCES `members`(`id`),
	`points` integer NOT NULL CHECK (`points` > 0),
	`session_id` text,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`credited_at` integer
);
--> statement-breakpoint
CREATE INDEX `point_topups_member` ON `point_topups` (`member_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `lodging_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`member_id` text NOT NULL REFERENCES `members`(`id`),
	`status` text NOT NULL,
	`check_in` text NOT NULL,
	`check_out` text NOT NULL,
	`subtotal_points` integer NOT NULL,
	`discount_points` integer NOT NULL,
	`total_points` integer NOT NULL,
	`paid_at` integer,
	`payment_deadline` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lodging_orders_member` ON `lodging_orders` (`member_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `lodging_orders_check_in` ON `lodging_orders` (`check_in`);--> statement-breakpoint
CREATE INDEX `lodging_orders_status` ON `lodging_orders` (`status`);--> statement-breakpoint
CREATE TABLE `lodging_order_lines` (
	`order_id` text NOT NULL REFERENCES `lodging_orders`(`id`),
	`line_no` integer NOT NULL,
	`room_id` text NOT NULL REFERENCES `rooms`(`id`),
	`room_number` text NOT NULL,
	`room_type_id` text NOT NULL,
	`room_type_name` text NOT NULL,
	`check_in` text NOT NULL,
	`check_out` text NOT NULL,
	`nightly` text NOT NULL,
	`subtotal_points` integer NOT NULL,
	`discount_points` integer NOT NULL,
	`total_points` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	PRIMARY KEY(`order_id`, `line_no`)
);
--> statement-breakpoint
CREATE INDEX `lodging_order_lines_room` ON `lodging_order_lines` (`room_id`,`check_in`);--> statement-breakpoint
CREATE TABLE `lodging_availability` (
	`room_type_id` text NOT NULL REFERENCES `room_types`(`id`),
	`date` text NOT NULL,
	`rooms_total` integer NOT NULL,
	`rooms_free` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`room_type_id`, `date`)
);
--> statement-breakpoint
ALTER TABLE `api_keys` ADD `user_id` text REFERENCES `users`(`id`);
