"""End-to-end tests: the real bot (as a process, or the whole PTB Application) against the
test Bot API server, at fan-out scale."""
