"""Background work as idempotent job functions; the trigger (in-process scheduler, worker) is separate."""
