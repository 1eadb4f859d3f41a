# propdesk: the desk (bot + scheduler) in one container. Build: docker build -t propdesk .
# Run with docker-compose.yml beside this file (PostgreSQL + propdesk, settings in .env).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# Only what the package is built from (tests/test_deploy.py builds from exactly these).
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY nlu ./nlu
COPY handlers ./handlers
COPY storage ./storage
COPY scheduler ./scheduler
RUN pip install '.[embeddings]' \
    && useradd --create-home --uid 1000 propdesk \
    && mkdir /data && chown propdesk /data

USER propdesk
WORKDIR /data
# The NLU model is trained on first start into the volume; /healthz for HEALTHCHECK.
ENV PROPDESK_MODEL_PATH=/data/nlu-model.npz \
    PROPDESK_HEALTH_LISTEN=0.0.0.0:8080
EXPOSE 8443 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["propdesk"]
CMD ["run"]
