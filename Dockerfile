# syntax=docker/dockerfile:1
# quizbot: small image, non-root, database on a volume, decks overridable by a mount.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY scheduler ./scheduler
COPY content ./content
RUN python -m venv /opt/quizbot \
 && /opt/quizbot/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/quizbot/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 quizbot \
 && mkdir /data && chown quizbot:quizbot /data
COPY --from=build /opt/quizbot /opt/quizbot
ENV PATH="/opt/quizbot/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    QUIZBOT_DB=/data/quizbot.db
USER quizbot
WORKDIR /data
VOLUME ["/data"]
# Mount your own decks over /decks and set QUIZBOT_CONTENT=/decks to use them.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
  CMD ["quizbot", "content", "check"]
CMD ["quizbot", "run"]
