# Pilotage on PostgreSQL: `docker compose up -d` (compose.yaml), then create the first account:
#   docker compose exec app python -m model user add NAME --role direction
# Until an account exists, the app (reachable beyond the container) serves nothing.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 pilotage
WORKDIR /srv/pilotage
COPY requirements.txt .
RUN pip install --root-user-action=ignore -r requirements.txt
COPY app.py ./
COPY .streamlit ./.streamlit
COPY model ./model
COPY pages ./pages
COPY ui ./ui
RUN mkdir data && chown pilotage:pilotage data
USER pilotage

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
# The schema is created or upgraded (data kept), then the app listens on the container's port.
CMD ["sh", "-c", "python -m model init && exec python -m streamlit run app.py --server.address 0.0.0.0 --server.port 8501 --server.headless true --browser.gatherUsageStats false"]
