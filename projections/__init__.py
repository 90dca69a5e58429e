"""Read models projected from the ledger's event log, rebuildable from it at any time.
Each batch of rows is written in the same transaction as the tracking position it
reflects, so a crash never counts an event twice or skips one."""
