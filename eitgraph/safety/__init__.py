"""What keeps other people's data safe: files only their owner reads (private), outputs that cannot attack
their reader (writing)."""
