# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so code changes do not reinstall them: the pinned versions, checked
# against their hashes (make lock writes them from pyproject.toml).
COPY requirements/base.txt requirements/
RUN pip install --require-hashes -r requirements/base.txt

COPY . .
RUN pybabel -q compile --directory locale --domain django \
    && DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 kamcrm

USER kamcrm
EXPOSE 8000
CMD ["gunicorn", "kamcrm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
