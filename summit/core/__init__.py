"""What every feature shares: summit editions, the audit trail, mail, background jobs."""
