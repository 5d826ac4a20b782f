# Stand-in for python:3.11-slim-bookworm, built from Debian's packages when no registry is reachable
# (deploy/images/standins.sh). Debian's Python 3.11 with venv; pip trusts the machine's CA bundle.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv python-is-python3 \
    && rm -rf /var/lib/apt/lists/*
COPY pip.conf /etc/pip.conf
ENV LANG=C.UTF-8
CMD ["python3"]
