# Mend in a container: the same install script as the README's quick start, so the tested path
# is the shipped one. The database lives on a volume; pass TELEGRAM_BOT_TOKEN at run time:
#   docker build -t mend . && docker run -e TELEGRAM_BOT_TOKEN=... -v mend-data:/data mend
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN scripts/install
# Mend runs as an unprivileged user that owns only the data volume: the code and its virtualenv
# stay root's and read-only to it, so a bug in Mend can't rewrite Mend. (A named volume starts with
# this folder's owner; a host folder mounted instead must be owned by uid 10001.)
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin mend \
    && mkdir -p /data && chown mend:mend /data && chmod 700 /data
ENV DATABASE_PATH=/data/mend.sqlite3 PYTHONDONTWRITEBYTECODE=1
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_URL set); listen on all interfaces inside the container.
ENV WEBHOOK_LISTEN=0.0.0.0
EXPOSE 8080
USER mend
# PTB stops cleanly on SIGTERM; give it time to finish in-flight work before a SIGKILL.
STOPSIGNAL SIGTERM
CMD ["scripts/start", "run"]
