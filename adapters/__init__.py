"""Adapters to the outside: the event store (event_store.py) and the head shared by this
host's processes (head.py)."""
