# Mend in a container: the same install script as the README's quick start, so the tested path
# is the shipped one. The database lives on a volume; pass TELEGRAM_BOT_TOKEN at run time:
#   docker build -t mend . && docker run -e TELEGRAM_BOT_TOKEN=... -v mend-data:/data mend
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN scripts/install
ENV DATABASE_PATH=/data/mend.sqlite3
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_URL set); listen on all interfaces inside the container.
ENV WEBHOOK_LISTEN=0.0.0.0
EXPOSE 8080
# PTB stops cleanly on SIGTERM; give it time to finish in-flight work before a SIGKILL.
STOPSIGNAL SIGTERM
CMD ["scripts/start", "run"]
