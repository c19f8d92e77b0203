# Citizen Hub: one image for the API, the matcher worker and the migrations (the command picks the role).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY contracts ./contracts
COPY matching ./matching
COPY adaptors ./adaptors
COPY hub ./hub
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --no-create-home citizen-hub \
    && mkdir /data && chown citizen-hub /data

USER citizen-hub
# Only the embedded backing writes here; with PostgreSQL and Kafka configured it stays empty.
ENV CITIZEN_HUB_DATA_DIR=/data
EXPOSE 8000
ENTRYPOINT ["citizen-hub"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
