ALTER TABLE `inquiries` ADD `client_key` text;--> statement-breakpoint
CREATE INDEX `inquiries_client` ON `inquiries` (`client_key`,`created_at`);