#!/usr/bin/env bash
# Stand-ins for the base images the Dockerfiles name, for machines that reach no image registry.
#
# When an image below is missing from the engine and cannot be pulled, it is built under the same name from
# Debian's packages: debian:bookworm-slim with mmdebstrap + `docker import`, then python:3.11-slim-bookworm and
# postgres:15-bookworm from it (standins/*.Dockerfile). Each stand-in carries the machine's CA bundle (the package
# proxies use their own certificate authority) and pip's certificate setting, so apt and pip work inside builds.
# The Dockerfiles stay the ones a real deployment uses; a stand-in is labelled org.mejora.standin=debian-packages.
set -euo pipefail
cd "$(dirname "$0")"
DOCKER=${DOCKER:-/usr/bin/docker}
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
SECURITY=http://deb.debian.org/debian-security
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
LABEL=org.mejora.standin=debian-packages
DEBIAN_IMAGE=debian:bookworm-slim
PYTHON_IMAGE=python:3.11-slim-bookworm
POSTGRES_IMAGE=postgres:15-bookworm

have() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

pulled() {
	# A registry, when one answers, gives the real image; a bounded wait otherwise.
	timeout 20 "$DOCKER" pull -q "$1" >/dev/null 2>&1
}

build_debian() {
	local work
	work=$(mktemp -d)
	mkdir -p "$work/certs"
	cp "$CA_BUNDLE" "$work/certs/ca-certificates.crt"
	cp /usr/local/share/ca-certificates/*.crt "$work/certs/" 2>/dev/null || true
	echo "Construyendo $DEBIAN_IMAGE desde paquetes de Debian (mmdebstrap; sin registro de imágenes)" >&2
	mmdebstrap --quiet --variant=minbase --include=ca-certificates,passwd \
		--customize-hook="mkdir -p \"\$1/usr/local/share/ca-certificates\"" \
		--customize-hook="sync-in $work/certs /usr/local/share/ca-certificates" \
		--customize-hook="mv \"\$1/usr/local/share/ca-certificates/ca-certificates.crt\" \"\$1$CA_BUNDLE\"" \
		--customize-hook="rm -rf \"\$1/var/lib/apt/lists\"/* \"\$1/var/cache/apt\"/*.bin" \
		"$SUITE" "$work/rootfs.tar" \
		"deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY $SUITE-security main"
	"$DOCKER" import --change "LABEL $LABEL" --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' \
		"$work/rootfs.tar" "$DEBIAN_IMAGE" >/dev/null
	rm -rf "$work"
}

build_from_dockerfile() {
	local image=$1 dockerfile=$2
	echo "Construyendo $image desde paquetes de Debian ($dockerfile)" >&2
	DOCKER_BUILDKIT=1 "$DOCKER" build --quiet --network host --label "$LABEL" -t "$image" -f "$dockerfile" standins >/dev/null
}

ensure() {
	local image=$1
	shift
	if have "$image"; then
		return
	fi
	if [ "${MEJORA_TRY_PULL:-0}" = 1 ] && pulled "$image"; then
		return
	fi
	"$@"
}

ensure "$DEBIAN_IMAGE" build_debian
# The two images from Debian's base are independent: built side by side.
ensure "$PYTHON_IMAGE" build_from_dockerfile "$PYTHON_IMAGE" standins/python.Dockerfile &
python_build=$!
ensure "$POSTGRES_IMAGE" build_from_dockerfile "$POSTGRES_IMAGE" standins/postgres.Dockerfile
wait "$python_build"
for image in "$DEBIAN_IMAGE" "$PYTHON_IMAGE" "$POSTGRES_IMAGE"; do
	if "$DOCKER" image inspect --format '{{index .Config.Labels "org.mejora.standin"}}' "$image" | grep -q debian-packages; then
		echo "$image: sustituto local construido desde paquetes de Debian"
	else
		echo "$image: imagen oficial"
	fi
done
