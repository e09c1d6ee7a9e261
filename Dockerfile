# PROUD's container image: the application, its production server and nothing for the tests.
# Built with the same set-up script the tests use (scripts/setup-env) and started with the same
# command as `make serve` (scripts/serve: checks, then honcho runs the Procfile), so the tested path
# and the image cannot drift. compose.yaml runs it as the app, the workers and the scheduler.
#
#   podman build -t proud .        (or docker build; BASE: any Debian-based image with Python 3.11+)
#   podman run --env-file .env -p 8000:8000 proud          all processes, as make serve
#   podman run --env-file .env proud worker                one process of the Procfile
ARG BASE=docker.io/library/python:3.11-slim-bookworm

# The front end: GOV.UK Frontend from npm compiled into static/build/ (scripts/build-assets), in a
# stage of its own so the image itself has no node, npm or node_modules.
FROM ${BASE} AS assets
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build-assets scripts/build-assets
COPY assets/ assets/
RUN bash scripts/build-assets

FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PROUD_EXTRAS="" \
    PROUD_SKIP_ASSETS=1 \
    PROUD_SKIP_SETUP=1 \
    PROUD_COLLECTSTATIC=0 \
    PROUD_BIND=0.0.0.0:8000 \
    STATIC_ROOT=/app/staticfiles

# A user of its own: the app never runs as root, and cannot change its own code.
RUN useradd --system --uid 10001 --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin proud

WORKDIR /app
COPY pyproject.toml constraints.txt ./
COPY scripts/ scripts/
COPY config/ config/
COPY mail/ mail/
COPY awards/ awards/
COPY nominations/ nominations/
COPY shortlisting/ shortlisting/
COPY events/ events/
COPY night/ night/
COPY dashboard/ dashboard/
COPY data_protection/ data_protection/
COPY demo/ demo/
COPY templates/ templates/
COPY static/ static/
COPY --from=assets /app/static/build/ static/build/
COPY manage.py Procfile ./

# The application and its production dependencies, pinned by constraints.txt (PROUD_EXTRAS="": no test tools).
RUN bash scripts/setup-env \
    && DEBUG=0 SECRET_KEY=only-for-collecting-static-files-at-build-time-0123456789 ALLOWED_HOSTS=localhost \
       .venv/bin/python manage.py collectstatic --noinput --verbosity 0 \
    && find /app -name __pycache__ -prune -exec rm -rf {} +

USER proud
EXPOSE 8000
# scripts/serve refuses to start without DATABASE_URL (PostgreSQL) and SECRET_KEY; then it migrates
# (the web process), runs check --deploy and supervises the Procfile's processes (all, or those named).
ENTRYPOINT ["bash", "scripts/serve"]
CMD []
