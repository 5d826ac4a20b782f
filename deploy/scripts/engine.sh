#!/usr/bin/env bash
# The container engine for `make images` / `make deploy-check`: installs Debian's docker.io and docker-compose when
# missing and starts dockerd when it is not running (no bridge, no iptables: every container uses host networking).
#   engine.sh start   -> prints "started" when this call started dockerd, "running" when it already ran
#   engine.sh stop    -> stops the dockerd this script started (its pid file), nothing else
set -euo pipefail
STATE_DIR=${MEJORA_DEPLOY_STATE:-/tmp/mejora-deploy}
PID_FILE=$STATE_DIR/dockerd.pid
LOG_FILE=$STATE_DIR/dockerd.log
DOCKER=/usr/bin/docker
START_WAIT_SECONDS=60

ensure_packages() {
	local missing=()
	for package in docker.io docker-compose mmdebstrap; do
		dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "Instalando paquetes de Debian: ${missing[*]}" >&2
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
	fi
}

engine_answers() { timeout 10 "$DOCKER" version >/dev/null 2>&1; }

start() {
	ensure_packages
	if engine_answers; then
		echo running
		return
	fi
	mkdir -p "$STATE_DIR"
	# setsid: the daemon outlives this shell but stays findable by its pid file.
	setsid /usr/sbin/dockerd --bridge=none --iptables=false --ip-masq=false --host=unix:///var/run/docker.sock \
		>"$LOG_FILE" 2>&1 </dev/null &
	echo $! >"$PID_FILE"
	for _ in $(seq "$START_WAIT_SECONDS"); do
		if engine_answers; then
			echo started
			return
		fi
		sleep 1
	done
	echo "dockerd no respondió en ${START_WAIT_SECONDS} s; últimas líneas de $LOG_FILE:" >&2
	tail -20 "$LOG_FILE" >&2
	stop
	exit 1
}

stop() {
	[ -f "$PID_FILE" ] || return 0
	local pid
	pid=$(cat "$PID_FILE")
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid"
		for _ in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	fi
	rm -f "$PID_FILE"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*)
	echo "uso: $0 start|stop" >&2
	exit 2
	;;
esac
