CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`reservation_id` text,
	`case` text NOT NULL,
	`priority` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_key_unique` ON `alerts` (`key`);--> statement-breakpoint
CREATE INDEX `alerts_created` ON `alerts` (`created_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`key_prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`reservation_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`enqueued_at` integer,
	`provider_ref` text,
	`delivery_status` text,
	`last_error` text,
	`result_event` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_reservation` ON `outbox` (`reservation_id`);--> statement-breakpoint
CREATE INDEX `outbox_status` ON `outbox` (`status`,`enqueued_at`);--> statement-breakpoint
CREATE INDEX `outbox_provider_ref` ON `outbox` (`provider_ref`);--> statement-breakpoint
CREATE TABLE `reservation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reservation_id` text NOT NULL,
	`version` integer NOT NULL,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`ignored` integer DEFAULT false NOT NULL,
	`note` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reservation_events_reservation` ON `reservation_events` (`reservation_id`,`id`);--> statement-breakpoint
CREATE TABLE `reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`service` text,
	`area` text,
	`start_at` integer NOT NULL,
	`party_size` integer NOT NULL,
	`requester_name` text NOT NULL,
	`phone` text NOT NULL,
	`email` text,
	`language` text NOT NULL,
	`notes` text,
	`shop_id` text,
	`amount_jpy` integer,
	`guest_token_hash` text NOT NULL,
	`api_key_id` text,
	`data` text NOT NULL,
	`timers` text DEFAULT '[]' NOT NULL,
	`next_timer_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reservations_guest_token_unique` ON `reservations` (`guest_token_hash`);--> statement-breakpoint
CREATE INDEX `reservations_status` ON `reservations` (`status`);--> statement-breakpoint
CREATE INDEX `reservations_start` ON `reservations` (`start_at`);--> statement-breakpoint
CREATE INDEX `reservations_created` ON `reservations` (`created_at`);--> statement-breakpoint
CREATE INDEX `reservations_phone` ON `reservations` (`phone`);--> statement-breakpoint
CREATE INDEX `reservations_next_timer` ON `reservations` (`next_timer_at`);--> statement-breakpoint
CREATE TABLE `sandbox_calls` (
	`id` text PRIMARY KEY NOT NULL,
	`reservation_id` text NOT NULL,
	`shop_id` text NOT NULL,
	`shop_name` text NOT NULL,
	`phone` text NOT NULL,
	`status` text NOT NULL,
	`answer` text,
	`request` text NOT NULL,
	`created_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE TABLE `sandbox_checkout_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`reservation_id` text NOT NULL,
	`amount_total` integer NOT NULL,
	`currency` text NOT NULL,
	`description` text NOT NULL,
	`status` text NOT NULL,
	`payment_status` text NOT NULL,
	`payment_intent` text,
	`success_url` text NOT NULL,
	`cancel_url` text NOT NULL,
	`metadata` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sandbox_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`reservation_id` text,
	`to` text,
	`subject` text,
	`body` text NOT NULL,
	`provider_ref` text,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sandbox_records_reservation` ON `sandbox_records` (`reservation_id`);--> statement-breakpoint
CREATE TABLE `sandbox_refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`payment_intent` text NOT NULL,
	`amount` integer NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text,
	`metadata` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shop_services` (
	`shop_id` text NOT NULL,
	`service` text NOT NULL,
	PRIMARY KEY(`shop_id`, `service`),
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shop_services_service` ON `shop_services` (`service`);--> statement-breakpoint
CREATE TABLE `shops` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`phone` text NOT NULL,
	`email` text,
	`area` text NOT NULL,
	`priority` integer NOT NULL,
	`price_jpy` integer NOT NULL,
	`sandbox_answer` text DEFAULT 'accepted' NOT NULL,
	`address` text,
	`paused` integer DEFAULT false NOT NULL,
	`do_not_call` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shops_phone_unique` ON `shops` (`phone`);--> statement-breakpoint
CREATE INDEX `shops_area_priority` ON `shops` (`area`,`priority`);--> statement-breakpoint
CREATE TABLE `webhook_receipts` (
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`provider`, `event_id`)
);
