#!/usr/bin/env bash
# `make images`: every image from the repository's Dockerfiles, tagged $MEJORA_IMAGE_PREFIX/<name>:$MEJORA_IMAGE_TAG.
#   1. base images: the real ones when present, else local stand-ins from Debian packages (standins.sh, says so);
#   2. one wheelhouse (deploy/wheelhouse) built once from constraints.txt, so each image's pip install finds its
#      wheels there (rebuilt only when constraints.txt or a pyproject.toml changes);
#   3. the five images, built in parallel with BuildKit on the host network (no bridge on these machines).
# The frontend is built on the host by make (Debian's Node is too old for it) and copied in (FRONTEND_SOURCE).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
DOCKER=${DOCKER:-/usr/bin/docker}
PREFIX=${MEJORA_IMAGE_PREFIX:-mejora-en-red}
TAG=${MEJORA_IMAGE_TAG:-local}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
WHEELHOUSE=deploy/wheelhouse
LOGS=${MEJORA_DEPLOY_STATE:-/tmp/mejora-deploy}/build-logs
LOCAL_PACKAGES=(libs/common libs/vocabulary services/cycles services/observations services/reports infra/gateway)

deploy/images/standins.sh

wheelhouse_key() { cat constraints.txt "${LOCAL_PACKAGES[@]/%//pyproject.toml}" | sha256sum | cut -d' ' -f1; }
key=$(wheelhouse_key)
if [ "$(cat "$WHEELHOUSE/.key" 2>/dev/null)" != "$key" ]; then
	echo "Construyendo la rueda de dependencias (deploy/wheelhouse)"
	rm -f "$WHEELHOUSE"/*.whl
	"$PYTHON" -m pip wheel --quiet --disable-pip-version-check -c constraints.txt --wheel-dir "$WHEELHOUSE" \
		"${LOCAL_PACKAGES[@]/#/./}" setuptools 2> >(grep -v "is ignored: it is neither" >&2)
	# The project's own packages are installed from their sources in each image, never from a stale wheel.
	rm -f "$WHEELHOUSE"/mejora_*.whl
	echo "$key" >"$WHEELHOUSE/.key"
fi

mkdir -p "$LOGS"
declare -A DOCKERFILES=(
	[cycles]=services/cycles/Dockerfile
	[observations]=services/observations/Dockerfile
	[reports]=services/reports/Dockerfile
	[gateway]=infra/gateway/Dockerfile
	[postgres]=deploy/postgres/Dockerfile
)
pids=()
names=()
for name in "${!DOCKERFILES[@]}"; do
	DOCKER_BUILDKIT=1 "$DOCKER" build --network host --progress plain --build-arg FRONTEND_SOURCE=frontend-prebuilt --build-arg PIP_NO_INDEX=1 \
		-t "$PREFIX/$name:$TAG" -f "${DOCKERFILES[$name]}" . >"$LOGS/$name.log" 2>&1 &
	pids+=($!)
	names+=("$name")
done
failed=0
for index in "${!pids[@]}"; do
	if ! wait "${pids[$index]}"; then
		echo "La imagen ${names[$index]} no se construyó; últimas líneas de $LOGS/${names[$index]}.log:" >&2
		tail -25 "$LOGS/${names[$index]}.log" >&2
		failed=1
	fi
done
[ "$failed" = 0 ] || exit 1
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' "$PREFIX/*" | sort
