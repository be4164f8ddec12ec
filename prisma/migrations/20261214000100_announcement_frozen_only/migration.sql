-- A reminder about a document or a survey is shown only to the users frozen into its audience (those who had
-- not yet downloaded / answered), like a reminder about an announcement (reminderOfId).
ALTER TABLE "Announcement" ADD COLUMN     "frozenOnly" BOOLEAN NOT NULL DEFAULT false;
