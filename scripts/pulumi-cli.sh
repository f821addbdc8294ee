#!/usr/bin/env bash
# Makes a working Pulumi CLI available WITHOUT a release download, and prints on its LAST stdout line the
# absolute path of a directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`.
# The version is v3.248.0 (the release matching the @pulumi/pulumi SDK this package's lockfile pins, the
# floor of the support range) unless another one is asked for: `--version X.Y.Z` or
# PULUMI_ONTAP_CLI_VERSION=X.Y.Z (the argument wins). The CI's ceiling leg asks for 3.276.0.
# Progress goes to stderr, each line prefixed "pulumi-cli:".
#
#   scripts/pulumi-cli.sh                   # -> /root/.cache/pulumi-ontap-security/pulumi-cli-v3.248.0/bin
#   scripts/pulumi-cli.sh --version 3.276.0 # -> /root/.cache/pulumi-ontap-security/pulumi-cli-v3.276.0/bin
#   PATH="$(scripts/pulumi-cli.sh | tail -n1):$PATH" pulumi version
#   scripts/pulumi-cli.sh --rebuild         # throw away the cached build and build again
#   scripts/pulumi-cli.sh --no-ambient      # ignore a `pulumi` already on PATH
#
# Order of preference (VERSION below is the version asked for):
#  1. A `pulumi` on PATH whose version is >= VERSION with `pulumi-language-nodejs` beside it or on PATH.
#     If the three programs already sit in one directory, that directory is printed; otherwise
#     <cache>/ambient-bin is made of hard links (else copies) of them, plus the shim, and printed.
#  2. A build in the cache (outside the repository), one per version, reused while its stamp matches:
#       ${PULUMI_ONTAP_CLI_CACHE:-${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}/pulumi-cli-vVERSION}
#     (PULUMI_ONTAP_CLI_CACHE names the directory itself: set it only together with one version.)
#     - `pulumi`: built with `go build` from a wrapper Go module requiring github.com/pulumi/pulumi/pkg/v3
#       and sdk/v3 at VERSION (`go install` refuses those modules: their go.mod files have replace
#       directives). Needs Go >= 1.25 (>= 1.26 for 3.276.0) and the Go module proxy the first time (several
#       minutes; downloaded modules stay in the default GOMODCACHE, compiled packages in the Go build cache).
#     - `pulumi-language-nodejs`: the upstream module
#       github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 is untagged; its pseudo-version for
#       the VERSION commit is looked up (the proxy's Origin hash) and built when the proxy serves it.
#       Where the proxy serves no version of it (a proxy may refuse it), the script builds instead
#       a small language host of its own (source: scripts/pulumi-language-nodejs/main.go) that implements what
#       preview/up/refresh/destroy/stack/config need: it runs `node @pulumi/pulumi/cmd/run` like upstream, and
#       starts Node.js policy packs (`--policy-pack`) and plugins through RunPlugin, as upstream does.
#       PULUMI_ONTAP_LANGHOST=auto (default) | upstream (fail if unavailable) | minimal (skip the lookup).
#     - `pulumi-resource-pulumi-nodejs`: the shell shim shipped inside the @pulumi/pulumi npm package, copied
#       from this repository's node_modules, else taken from `npm pack @pulumi/pulumi@VERSION`.
#
# Other environment: PULUMI_ONTAP_CLI_JOBS (go build -p, default: number of cores).
# Running the CLI offline afterwards needs only:
#   PULUMI_BACKEND_URL=file://<dir> PULUMI_CONFIG_PASSPHRASE=<any> PULUMI_SKIP_UPDATE_CHECK=true
#   PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_HOME=<dir> PATH=<printed dir>:$PATH
#   and --yes --non-interactive; PULUMI_HOME needs no plugins.
set -euo pipefail

# The floor of the support range; `--version` or PULUMI_ONTAP_CLI_VERSION picks another release.
DEFAULT_VERSION="3.248.0"
# Bump when the build recipe changes in a way that must invalidate existing caches.
RECIPE_REVISION="1"
PKG_MODULE="github.com/pulumi/pulumi/pkg/v3"
SDK_MODULE="github.com/pulumi/pulumi/sdk/v3"
LANGHOST_MODULE="github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3"

log() { printf 'pulumi-cli: %s\n' "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

usage() {
	sed -n '2,/^set -euo pipefail$/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
}

rebuild=0
use_ambient=1
asked_version="${PULUMI_ONTAP_CLI_VERSION:-}"
asked_from="PULUMI_ONTAP_CLI_VERSION"
while [ $# -gt 0 ]; do
	arg="$1"
	shift
	case "$arg" in
	--version)
		[ $# -gt 0 ] || die "--version needs a value: a release such as 3.276.0"
		asked_version="$1"
		asked_from="--version"
		shift
		;;
	--version=*)
		asked_version="${arg#--version=}"
		asked_from="--version"
		;;
	--rebuild) rebuild=1 ;;
	--no-ambient) use_ambient=0 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage
		die "unknown argument: $arg"
		;;
	esac
done

PULUMI_VERSION="${asked_version#v}"
PULUMI_VERSION="${PULUMI_VERSION:-$DEFAULT_VERSION}"
# Only releases from the floor on: older ones predate the PostgreSQL backend and the SDK's peer range.
if ! [[ "$PULUMI_VERSION" =~ ^3\.[0-9]+\.[0-9]+$ ]]; then
	die "$asked_from='$asked_version' is not a Pulumi release: expected 3.MINOR.PATCH (e.g. 3.276.0), at least $DEFAULT_VERSION"
fi
VERSION_LDFLAG="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${PULUMI_VERSION}"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(dirname "$script_dir")"
home_dir="${HOME:-$(cd ~ && pwd)}"
cache_dir="${PULUMI_ONTAP_CLI_CACHE:-${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$home_dir/.cache}/pulumi-ontap-security}/pulumi-cli-v${PULUMI_VERSION}}"
bin_dir="$cache_dir/bin"
stamp="$cache_dir/.complete"
started=$SECONDS

elapsed() { echo "$((SECONDS - started))s"; }

# take_lock: one writer at a time per cache (parallel test runs may all call this script).
locked=0
take_lock() {
	[ "$locked" = 0 ] || return 0
	mkdir -p "$cache_dir"
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$cache_dir/.lock"
		if ! flock -n 9; then
			log "another run is using $cache_dir: waiting for it"
			flock 9
		fi
	fi
	locked=1
}

# version_ge A B: true when version A >= version B (leading "v", pre-release and build parts ignored).
version_ge() {
	local a="${1#v}" b="${2#v}"
	a="${a%%[-+]*}"
	b="${b%%[-+]*}"
	[ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" = "$b" ]
}
version_ge "$PULUMI_VERSION" "$DEFAULT_VERSION" ||
	die "$asked_from='$asked_version' is older than $DEFAULT_VERSION, the oldest release this package supports"

# pulumi_version BIN: prints what `BIN version` says (empty on failure).
pulumi_version() {
	PULUMI_SKIP_UPDATE_CHECK=true timeout 120 "$1" version 2>/dev/null | tail -n1 | tr -d '[:space:]' || true
}

# find_shim_in DIR: path of pulumi-resource-pulumi-nodejs inside DIR/node_modules/@pulumi/pulumi.
find_shim_in() {
	local pkg="$1/node_modules/@pulumi/pulumi" c
	for c in "$pkg/pulumi-resource-pulumi-nodejs" "$pkg/cmd/pulumi-resource-pulumi-nodejs" \
		"$pkg/bin/pulumi-resource-pulumi-nodejs"; do
		if [ -f "$c" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# install_shim DEST_DIR: puts an executable pulumi-resource-pulumi-nodejs into DEST_DIR.
install_shim() {
	local dest="$1" src="" tmp member
	if src="$(find_shim_in "$repo_root")"; then
		local v
		v="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$repo_root/node_modules/@pulumi/pulumi/package.json" | head -n1)"
		log "dynamic-provider shim: $src (@pulumi/pulumi ${v:-?} in this repository's node_modules)"
		install -m 0755 "$src" "$dest/pulumi-resource-pulumi-nodejs"
		return 0
	fi
	command -v npm >/dev/null 2>&1 || die "no node_modules/@pulumi/pulumi in $repo_root and no npm to fetch @pulumi/pulumi@${PULUMI_VERSION}"
	log "no node_modules/@pulumi/pulumi in $repo_root: fetching the shim with npm pack @pulumi/pulumi@${PULUMI_VERSION}"
	tmp="$(mktemp -d "$cache_dir/npm.XXXXXX")"
	if ! (cd "$tmp" && npm pack --silent "@pulumi/pulumi@${PULUMI_VERSION}" >npm-pack.out 2>&1); then
		sed 's/^/pulumi-cli:   npm: /' "$tmp/npm-pack.out" >&2 || true
		rm -rf "$tmp"
		die "npm pack @pulumi/pulumi@${PULUMI_VERSION} failed"
	fi
	member="$(tar -tzf "$tmp"/pulumi-pulumi-*.tgz | grep -E '(^|/)pulumi-resource-pulumi-nodejs$' | head -n1 || true)"
	if [ -z "$member" ]; then
		rm -rf "$tmp"
		die "pulumi-resource-pulumi-nodejs not found in the @pulumi/pulumi@${PULUMI_VERSION} package"
	fi
	tar -xzf "$tmp"/pulumi-pulumi-*.tgz -C "$tmp" "$member"
	install -m 0755 "$tmp/$member" "$dest/pulumi-resource-pulumi-nodejs"
	rm -rf "$tmp"
	log "dynamic-provider shim: $member from @pulumi/pulumi@${PULUMI_VERSION}"
}

# check_langhost BIN: starts the language host and waits for the port it prints on its first line.
check_langhost() {
	local bin="$1" out pid port=""
	out="$(mktemp)"
	"$bin" 127.0.0.1:1 >"$out" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		port="$(head -n1 "$out" 2>/dev/null | tr -d '[:space:]')"
		if [[ "$port" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if ! [[ "$port" =~ ^[0-9]+$ ]]; then
		sed 's/^/pulumi-cli:   /' "$out" >&2 || true
		rm -f "$out"
		return 1
	fi
	rm -f "$out"
}

# verify DIR: the three programs are there and `pulumi version` prints v${PULUMI_VERSION} (or newer when allowed).
verify_dir() {
	local dir="$1" exact="$2" v p
	for p in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
		[ -x "$dir/$p" ] || {
			log "missing or not executable: $dir/$p"
			return 1
		}
	done
	v="$(pulumi_version "$dir/pulumi")"
	if [ "$exact" = 1 ]; then
		[ "$v" = "v${PULUMI_VERSION}" ] || {
			log "$dir/pulumi version printed '${v}', expected v${PULUMI_VERSION}"
			return 1
		}
	else
		version_ge "$v" "$PULUMI_VERSION" || {
			log "$dir/pulumi version printed '${v}', expected >= v${PULUMI_VERSION}"
			return 1
		}
	fi
	check_langhost "$dir/pulumi-language-nodejs" || {
		log "$dir/pulumi-language-nodejs did not start"
		return 1
	}
	log "verified: $dir/pulumi version -> $v"
}

# ---------------------------------------------------------------------------------------------------
# 1. An ambient CLI.
# ---------------------------------------------------------------------------------------------------
# beside NAME DIR...: the executable NAME in the first DIR that has it, else on PATH; fails if none.
beside() {
	local name=$1 dir
	shift
	for dir in "$@"; do
		if [ -x "$dir/$name" ]; then
			printf '%s\n' "$dir/$name"
			return 0
		fi
	done
	command -v "$name" 2>/dev/null
}

use_ambient_cli() {
	local pulumi_bin v dir real_dir langhost shim link_dir candidate
	pulumi_bin="$(command -v pulumi 2>/dev/null)" || return 1
	dir="$(cd "$(dirname "$pulumi_bin")" && pwd)"
	real_dir="$(dirname "$(readlink -f "$pulumi_bin")")"
	if [ "$real_dir" = "$bin_dir" ] || [ "$dir" = "$bin_dir" ]; then
		return 1 # our own cached build is on PATH: validate it through the cache route below
	fi
	v="$(pulumi_version "$pulumi_bin")"
	if [ -z "$v" ] || ! version_ge "$v" "$PULUMI_VERSION"; then
		log "ignoring $pulumi_bin: version '${v:-unknown}' is older than v${PULUMI_VERSION}"
		return 1
	fi
	langhost="$(beside pulumi-language-nodejs "$dir" "$real_dir")" || {
		log "ignoring $pulumi_bin ($v): no pulumi-language-nodejs beside it or on PATH"
		return 1
	}
	shim="$(beside pulumi-resource-pulumi-nodejs "$dir" "$real_dir")" || shim=""
	log "using the pulumi on PATH: $pulumi_bin ($v), language host $langhost"
	if [ -n "$shim" ] && [ "$(dirname "$langhost")" = "$dir" ] && [ "$(dirname "$shim")" = "$dir" ]; then
		check_langhost "$langhost" || {
			log "ignoring $pulumi_bin: $langhost did not start"
			return 1
		}
		log "done in $(elapsed)"
		echo "$dir"
		return 0
	fi
	# Not all three in one directory: make one. pulumi and the language host must be real files there
	# (hard links, else copies), not symlinks: the engine looks for its bundled plugins beside the resolved
	# pulumi executable and warns "using ... from $PATH" for any found elsewhere.
	link_dir="$cache_dir/ambient-bin"
	take_lock
	mkdir -p "$link_dir"
	place() { # place SRC NAME
		rm -f "$link_dir/$2"
		ln "$(readlink -f "$1")" "$link_dir/$2" 2>/dev/null || cp "$(readlink -f "$1")" "$link_dir/$2"
	}
	place "$pulumi_bin" pulumi
	place "$langhost" pulumi-language-nodejs
	rm -f "$link_dir/pulumi-resource-pulumi-nodejs"
	if [ -n "$shim" ]; then
		install -m 0755 "$shim" "$link_dir/pulumi-resource-pulumi-nodejs"
	else
		log "pulumi-resource-pulumi-nodejs is not reachable from the ambient CLI: adding the shim"
		install_shim "$link_dir"
	fi
	verify_dir "$link_dir" 0 || {
		log "ignoring the ambient CLI"
		return 1
	}
	log "done in $(elapsed)"
	echo "$link_dir"
}

# ---------------------------------------------------------------------------------------------------
# 2. The cached build.
# ---------------------------------------------------------------------------------------------------

# The minimal Node.js language host built when the upstream module is not served.
# go_build NAME SRC JOBS LDFLAGS OUT TARGET: one `go build` with progress, timing and a clear failure.
go_build() {
	local name=$1 src=$2 jobs=$3 ldflags=$4 out=$5 target=$6 t0=$SECONDS rc
	log "go build $target ($name)"
	start_heartbeat "building $name"
	run_prefixed go -C "$src" build -p "$jobs" -trimpath -ldflags "$ldflags" -o "$out" "$target" || {
		rc=$?
		stop_heartbeat
		die "go build of $name failed (exit $rc) after $((SECONDS - t0))s: see the go output above"
	}
	stop_heartbeat
	log "built $name in $((SECONDS - t0))s"
}

langhost_source() {
	cat "$(dirname "${BASH_SOURCE[0]}")/pulumi-language-nodejs/main.go"
}

# run_prefixed CMD...: runs CMD with its output (stdout and stderr) on our stderr, prefixed; keeps its exit code.
run_prefixed() {
	local rc
	set +e +o pipefail
	"$@" 2>&1 | sed -u 's/^/pulumi-cli:   | /' >&2
	rc=${PIPESTATUS[0]}
	set -e -o pipefail
	return "$rc"
}

heartbeat_pid=""
start_heartbeat() { # start_heartbeat WHAT: a line every 30s while a long step runs
	local what="$1" t0
	t0="$(date +%s)"
	(
		s=""
		trap 'kill $s 2>/dev/null; exit 0' TERM
		while :; do
			sleep 30 &
			s=$!
			wait "$s"
			printf 'pulumi-cli: ... still %s (%ss)\n' "$what" "$(($(date +%s) - t0))" >&2
		done
	) </dev/null >/dev/null &
	heartbeat_pid=$!
}
stop_heartbeat() {
	if [ -n "$heartbeat_pid" ]; then
		kill "$heartbeat_pid" 2>/dev/null || true
		wait "$heartbeat_pid" 2>/dev/null || true
		heartbeat_pid=""
	fi
}
trap stop_heartbeat EXIT

# upstream_langhost_version: prints the pseudo-version of the upstream language host at the v${PULUMI_VERSION} commit,
# or fails (with the reason logged) when the proxy does not tell the commit or does not serve the module.
upstream_langhost_version() {
	local json hash pv
	json="$(cd "$cache_dir" && go list -m -json "${SDK_MODULE}@v${PULUMI_VERSION}" 2>&1)" || {
		log "upstream language host: go list ${SDK_MODULE}@v${PULUMI_VERSION} failed: $(tail -n1 <<<"$json")"
		return 1
	}
	hash="$(sed -n 's/^[[:space:]]*"Hash": "\([0-9a-f]\{40\}\)".*/\1/p' <<<"$json" | head -n1)"
	if [ -z "$hash" ]; then
		log "upstream language host: the module proxy gives no Origin commit for ${SDK_MODULE}@v${PULUMI_VERSION}"
		return 1
	fi
	pv="$(cd "$cache_dir" && go list -m -f '{{.Version}}' "${LANGHOST_MODULE}@${hash}" 2>&1)" || {
		log "upstream language host: ${LANGHOST_MODULE}@${hash} is not served: $(tail -n1 <<<"$pv")"
		return 1
	}
	echo "$pv"
}

# write_wrapper_module SRC_DIR LANGHOST_PSEUDO_VERSION(or empty)
write_wrapper_module() {
	local src="$1" lh="$2"
	mkdir -p "$src/langhost"
	{
		echo "// Generated by scripts/pulumi-cli.sh (pulumi-ontap-security): builds the Pulumi CLI v${PULUMI_VERSION}."
		echo "module pulumi-ontap-security/pulumi-cli"
		echo
		echo "go 1.25.11"
		echo
		echo "// Copied from ${PKG_MODULE}@v${PULUMI_VERSION}'s go.mod (replace directives of dependencies are ignored)."
		echo "replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"
		echo
		echo "require ("
		echo "	${PKG_MODULE} v${PULUMI_VERSION}"
		echo "	${SDK_MODULE} v${PULUMI_VERSION}"
		[ -z "$lh" ] || echo "	${LANGHOST_MODULE} ${lh}"
		echo ")"
		echo
		echo "tool ${PKG_MODULE}/cmd/pulumi"
		[ -z "$lh" ] || echo "tool ${LANGHOST_MODULE}"
	} >"$src/go.mod"
	if [ -z "$lh" ]; then
		langhost_source >"$src/langhost/main.go"
	else
		rm -rf "$src/langhost"
	fi
}

build_cache() {
	local src="$cache_dir/src" new="$cache_dir/bin.new" lh="" mode="${PULUMI_ONTAP_LANGHOST:-auto}" t0 jobs got
	jobs="${PULUMI_ONTAP_CLI_JOBS:-$(nproc 2>/dev/null || echo 2)}"
	command -v go >/dev/null 2>&1 || die "go is not on PATH: building the Pulumi CLI needs Go >= 1.25"
	log "building Pulumi CLI v${PULUMI_VERSION} into $cache_dir with $(go version | awk '{print $3}') (go build -p $jobs)"
	export GOWORK=off GO111MODULE=on

	case "$mode" in
	minimal) ;;
	auto | upstream)
		if lh="$(upstream_langhost_version)"; then
			log "upstream language host: ${LANGHOST_MODULE}@${lh}"
		else
			[ "$mode" = auto ] || die "PULUMI_ONTAP_LANGHOST=upstream but the upstream language host module is not available"
			lh=""
			log "building the script's own minimal pulumi-language-nodejs instead"
		fi
		;;
	*) die "PULUMI_ONTAP_LANGHOST must be auto, upstream or minimal (got '$mode')" ;;
	esac
	export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"

	rm -rf "$new"
	mkdir -p "$new"
	write_wrapper_module "$src" "$lh"

	t0=$SECONDS
	log "resolving and downloading Go modules (go mod tidy in $src; cached in $(go env GOMODCACHE))"
	start_heartbeat "downloading Go modules"
	run_prefixed go -C "$src" mod tidy || {
		rc=$?
		stop_heartbeat
		die "go mod tidy failed (exit $rc) after $((SECONDS - t0))s: see the go output above"
	}
	stop_heartbeat
	got="$(go -C "$src" list -m -f '{{.Version}}' "$PKG_MODULE") $(go -C "$src" list -m -f '{{.Version}}' "$SDK_MODULE")"
	[ "$got" = "v${PULUMI_VERSION} v${PULUMI_VERSION}" ] || die "module resolution moved pkg/sdk away from v${PULUMI_VERSION} (got: $got)"
	log "modules ready in $((SECONDS - t0))s"

	log "a cold build of pulumi takes several minutes; the Go build cache makes rebuilds faster"
	go_build pulumi "$src" "$jobs" "$VERSION_LDFLAG" "$new/pulumi" "${PKG_MODULE}/cmd/pulumi"
	if [ -n "$lh" ]; then
		go_build pulumi-language-nodejs "$src" "$jobs" "$VERSION_LDFLAG" "$new/pulumi-language-nodejs" "$LANGHOST_MODULE"
	else
		go_build pulumi-language-nodejs "$src" "$jobs" "-X main.version=${PULUMI_VERSION}" "$new/pulumi-language-nodejs" ./langhost
	fi

	install_shim "$new"
	verify_dir "$new" 1 || die "the fresh build in $new does not work"

	rm -rf "$bin_dir"
	mv "$new" "$bin_dir"
	if [ -n "$lh" ]; then
		printf '%s langhost=upstream@%s\n' "$cache_key" "$lh" >"$stamp.tmp"
	else
		printf '%s langhost=%s\n' "$cache_key" "$minimal_key" >"$stamp.tmp"
	fi
	mv "$stamp.tmp" "$stamp"
	log "build complete in $(elapsed)"
}

if [ "$use_ambient" = 1 ] && [ "$rebuild" = 0 ] && use_ambient_cli; then
	exit 0
fi

take_lock

cache_key="pulumi=v${PULUMI_VERSION} recipe=${RECIPE_REVISION}"
minimal_key="minimal/$(langhost_source | sha256sum | cut -c1-16)"
# stamp_ok: the stamp names this recipe and a language host acceptable for PULUMI_ONTAP_LANGHOST.
stamp_ok() {
	local s
	[ -f "$stamp" ] || return 1
	s="$(cat "$stamp")"
	case "${PULUMI_ONTAP_LANGHOST:-auto}" in
	minimal) [ "$s" = "$cache_key langhost=$minimal_key" ] ;;
	upstream) [[ "$s" == "$cache_key langhost=upstream@"* ]] ;;
	*) [ "$s" = "$cache_key langhost=$minimal_key" ] || [[ "$s" == "$cache_key langhost=upstream@"* ]] ;;
	esac
}
if [ "$rebuild" = 0 ] && stamp_ok; then
	if verify_dir "$bin_dir" 1; then
		log "reusing the cached build in $bin_dir ($(elapsed))"
		echo "$bin_dir"
		exit 0
	fi
	log "the cached build in $bin_dir is broken: rebuilding"
elif [ "$rebuild" = 1 ]; then
	log "--rebuild: discarding $bin_dir"
elif [ -f "$stamp" ]; then
	log "the cached build was made by another recipe ($(cat "$stamp")): rebuilding"
else
	log "no complete build in $cache_dir yet"
fi
rm -f "$stamp"
build_cache
echo "$bin_dir"
