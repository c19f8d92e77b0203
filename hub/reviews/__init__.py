"""The review queue: allocation, same/different decisions, merge, split and undo merge."""
