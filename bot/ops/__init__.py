"""Running quizbot for real: the config file, health and metrics, automatic backups.

- `configfile`: `quizbot.toml`, under the environment (`apply_config_file`).
- `settings`: `OpsSettings` (health port, backups, webhook) from the environment.
- `metrics`: `Metrics` (no-op) and `PrometheusMetrics`; `sending` and `engine` feed them
  from the scheduler's sends and the engine's answers (`bot.telegram.metering` from
  python-telegram-bot's calls and updates).
- `health`: the `/healthz` and `/metrics` server; `probe`: `quizbot health`.
- `backups`: the daily backup and its rotation.
- `runtime`: `Ops`, which starts and stops what is configured for a running bot.
"""
