# syntax=docker/dockerfile:1
# quizbot: small image, non-root, database on a volume, decks overridable by a mount.
#
#   docker build -t quizbot .
#   docker run -d --name quizbot --env-file .env -v quizbot-data:/data quizbot
#
# Your own decks: -v "$PWD/decks:/decks:ro" -e QUIZBOT_CONTENT=/decks
# Webhook mode:   -p 8443:8443 -e QUIZBOT_WEBHOOK_URL=https://bot.example.com/telegram

# -- build: install the package and its dependencies into a virtual environment -------------
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/quizbot
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY scheduler ./scheduler
COPY content ./content
RUN /opt/quizbot/bin/pip install . \
 && /opt/quizbot/bin/quizbot content check

# -- run: the virtual environment only, as an unprivileged user -----------------------------
FROM python:3.11-slim AS run
LABEL org.opencontainers.image.title="quizbot" \
      org.opencontainers.image.description="A daily interview-prep quiz for Telegram and Discord"
# A CJK font so that Chinese topic and player names render in the charts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --user-group quizbot \
 && mkdir /data /decks \
 && chown quizbot:quizbot /data
COPY --from=build /opt/quizbot /opt/quizbot
# Build matplotlib's font cache now, so the first chart does not pay for it.
ENV MPLCONFIGDIR=/opt/quizbot/mplconfig
RUN /opt/quizbot/bin/python -c "import matplotlib.font_manager as f; f.findSystemFonts(); f.fontManager" \
 && chmod -R a+rX /opt/quizbot/mplconfig
ENV PATH="/opt/quizbot/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    QUIZBOT_DB=/data/quizbot.db \
    QUIZBOT_HEALTH_PORT=8080 \
    QUIZBOT_HEALTH_HOST=127.0.0.1
USER quizbot
WORKDIR /data
# The database (and the automatic backups, with QUIZBOT_BACKUP_DIR=/data/backups).
VOLUME ["/data"]
# The webhook server (webhook mode only; long polling needs no port).
EXPOSE 8443
# `quizbot health` asks the bot's own /healthz on 127.0.0.1:$QUIZBOT_HEALTH_PORT:
# the database answers, the scheduler runs, the Bot API was reached lately.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
  CMD ["quizbot", "health"]
STOPSIGNAL SIGTERM
CMD ["quizbot", "run"]
