#!/usr/bin/env bash
# Makes Pulumi's YAML language host, `pulumi-language-yaml` v1.38.0, available WITHOUT a release
# download, and prints on its LAST stdout line the absolute path of a directory holding it. Put that
# directory on PATH beside the CLI's (scripts/pulumi-cli.sh) to run `runtime: yaml` projects.
# Progress goes to stderr, each line prefixed "pulumi-language-yaml:".
#
#   scripts/pulumi-language-yaml.sh     # -> /root/.cache/pulumi-ontap-security/pulumi-language-yaml-v1.38.0/bin
#
# Built with `go install github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v1.38.0` from the Go
# module proxy (its go.mod has no replace directive, so `go install` takes it as it is) into a cache
# outside the repository, reused while its stamp matches. Needs Go >= 1.25.11 and the proxy the first
# time (minutes on a cold Go build cache; modules it shares with the CLI's build are already there).
# v1.38.0 runs with the CLI v3.248.0 this package tests against and with v3.276.0.
set -euo pipefail

YAML_VERSION="1.38.0"
# Bump when the build recipe changes in a way that must invalidate existing caches.
RECIPE_REVISION="1"
MODULE_PATH="github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"

log() { printf 'pulumi-language-yaml: %s\n' "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

home_dir="${HOME:-$(cd ~ && pwd)}"
cache_dir="${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$home_dir/.cache}/pulumi-ontap-security}/pulumi-language-yaml-v${YAML_VERSION}"
bin_dir="$cache_dir/bin"
stamp="$cache_dir/.complete"
cache_key="pulumi-language-yaml=v${YAML_VERSION} recipe=${RECIPE_REVISION}"

# works DIR: the host starts and prints the port it serves on its first line, as the engine expects.
works() {
	local bin="$1/pulumi-language-yaml" out pid port=""
	[ -x "$bin" ] || return 1
	out="$(mktemp)"
	"$bin" 127.0.0.1:1 >"$out" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		port="$(head -n1 "$out" 2>/dev/null | tr -d '[:space:]')"
		if [[ "$port" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then break; fi
		sleep 0.1
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if ! [[ "$port" =~ ^[0-9]+$ ]]; then
		sed 's/^/pulumi-language-yaml:   /' "$out" >&2 || true
		rm -f "$out"
		return 1
	fi
	rm -f "$out"
}

mkdir -p "$cache_dir"
# Parallel test runs may all call this script: one builds, the others wait and reuse.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$cache_dir/.lock"
	flock 9
fi

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$cache_key" ] && works "$bin_dir"; then
	log "reusing $bin_dir"
	echo "$bin_dir"
	exit 0
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH: building pulumi-language-yaml needs Go >= 1.25.11"
rm -f "$stamp"
rm -rf "$cache_dir/bin.new"
mkdir -p "$cache_dir/bin.new"
t0=$SECONDS
log "go install ${MODULE_PATH}@v${YAML_VERSION} (-p ${PULUMI_ONTAP_CLI_JOBS:-$(nproc 2>/dev/null || echo 2)}); a cold build takes minutes"
# Outside any module, with the module's own go.mod deciding every dependency.
(
	cd "$cache_dir"
	GOWORK=off GO111MODULE=on GOFLAGS=-buildvcs=false GOBIN="$cache_dir/bin.new" \
		go install -p "${PULUMI_ONTAP_CLI_JOBS:-$(nproc 2>/dev/null || echo 2)}" -trimpath "${MODULE_PATH}@v${YAML_VERSION}"
) 2>&1 | sed -u 's/^/pulumi-language-yaml:   | /' >&2
[ "${PIPESTATUS[0]}" = 0 ] || die "go install ${MODULE_PATH}@v${YAML_VERSION} failed after $((SECONDS - t0))s: see the go output above"
works "$cache_dir/bin.new" || die "the fresh build in $cache_dir/bin.new does not start"
rm -rf "$bin_dir"
mv "$cache_dir/bin.new" "$bin_dir"
echo "$cache_key" >"$stamp"
log "built in $((SECONDS - t0))s"
echo "$bin_dir"
