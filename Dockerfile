# syntax=docker/dockerfile:1
# The helpdesk image: one image for web (gunicorn), worker and beat (celery).
#   docker compose build && docker compose up -d

# --- front-end libraries from npm (package-lock.json), nothing else from this stage ------------
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- the application ----------------------------------------------------------------------------
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    MEDIA_ROOT=/app/media
WORKDIR /app

# Runtime dependencies straight from pyproject.toml ([project] dependencies, not the dev extras
# that scripts/requirements.py adds for tests).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Only the built libraries STATICFILES_DIRS serves, never all of node_modules.
COPY --from=assets /build/node_modules/bootstrap/dist ./node_modules/bootstrap/dist
COPY --from=assets /build/node_modules/bootstrap-icons/font ./node_modules/bootstrap-icons/font
COPY --from=assets /build/node_modules/sortablejs ./node_modules/sortablejs
COPY --from=assets /build/node_modules/uplot/dist ./node_modules/uplot/dist
COPY --from=assets /build/node_modules/tom-select/dist ./node_modules/tom-select/dist
COPY . .
# Static files are built into the image; the web service's collectstatic then has nothing to do
# unless the code changed under a mounted volume.
# collectstatic needs no real key; the running containers get theirs from .env.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0

RUN useradd --create-home --uid 10001 --user-group helpdesk \
    && mkdir -p /app/media /app/staticfiles \
    && chown -R helpdesk:helpdesk /app/media /app/staticfiles
USER helpdesk

EXPOSE 8000
# web: compose runs migrate and collectstatic first (see docker-compose.yml).
CMD ["gunicorn", "helpdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
