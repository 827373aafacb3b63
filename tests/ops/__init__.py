"""Tests of running the bot for real: config file, health and metrics, backups, privacy, deployment files."""
