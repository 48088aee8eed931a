"""Notifications for every app: ``notify()`` writes an outbox in the caller's
transaction; a task delivers each row once, to the in-portal inbox or as a text
message; each kind of notice is registered with its label and text templates, and each
user chooses per kind whether texts come at once, in a daily digest, or not at all."""
