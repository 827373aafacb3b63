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
COPY pyproject.toml README.md constraints.txt ./
COPY bot ./bot
COPY scheduler ./scheduler
COPY content ./content
# The tested versions (constraints.txt), then no installer left in the environment.
RUN /opt/quizbot/bin/pip install -c constraints.txt . \
 && /opt/quizbot/bin/quizbot content check \
 && /opt/quizbot/bin/python -m pip uninstall -y -q pip setuptools

# -- run: the virtual environment only, as an unprivileged user -----------------------------
FROM python:3.11-slim AS run
LABEL org.opencontainers.image.title="quizbot" \
      org.opencontainers.image.description="A daily interview-prep quiz for Telegram and Discord"
# A CJK font so that Chinese topic and player names render in the charts; the base
# image's own pip, setuptools and wheel go (nothing installs anything at run time).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/* \
 && python -m pip uninstall -y -q pip setuptools wheel \
 && useradd --create-home --uid 10001 --user-group quizbot \
 && mkdir -p /data /decks /opt/mplconfig \
 && chown 10001:10001 /data /opt/mplconfig
COPY --from=build /opt/quizbot /opt/quizbot
# matplotlib's font cache, built by the user that runs the bot into a folder it owns, so
# it is read (not rebuilt) at every start.
ENV MPLCONFIGDIR=/opt/mplconfig
USER 10001:10001
RUN /opt/quizbot/bin/python -c "import matplotlib.font_manager as f; f.fontManager"
ENV PATH="/opt/quizbot/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    QUIZBOT_DB=/data/quizbot.db \
    QUIZBOT_HEALTH_PORT=8080 \
    QUIZBOT_HEALTH_HOST=127.0.0.1
WORKDIR /data
# The database (and the automatic backups, with QUIZBOT_BACKUP_DIR=/data/backups).
VOLUME ["/data"]
# The webhook server (webhook mode only; long polling needs no port).
EXPOSE 8443
# `quizbot health` asks the bot's own /healthz on 127.0.0.1:$QUIZBOT_HEALTH_PORT:
# the database answers, the scheduler runs, the Bot API was reached lately.
# The first check runs one interval after the start: healthy about 30 s after `up`.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["quizbot", "health"]
STOPSIGNAL SIGTERM
CMD ["quizbot", "run"]
