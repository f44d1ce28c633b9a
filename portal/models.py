"""The portal keeps no tables of its own: its one-time form keys are `helpdesk.Submission` and
its notices to agents are outbox rows (`tickets/emails.py`)."""
