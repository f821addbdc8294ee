#!/usr/bin/env bash
# Makes (once, then reuses) a virtualenv holding PyPI's Pulumi SDK for Python (`pulumi`, the release of
# the CLI this package tests against), OUTSIDE the repository, and prints the venv's python path on its
# last line. The tests generate the plugin's Python SDK from its schema, install it there and drive it
# with the Automation API's inline programs (no Python language host is needed for those).
#
#   scripts/python-pulumi.sh            # -> .../venv-pulumi-3.248.0/bin/python
#
# Where: ${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}/venv-pulumi-3.248.0
# Needs: python3 with the venv module and access to PyPI.
set -euo pipefail

PULUMI_VERSION="3.248.0"
# What a generated SDK's setup.py needs to build (wheel) and to import (parver, semver).
SDK_NEEDS="wheel parver semver"

cache_dir="${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}"
venv_dir="$cache_dir/venv-pulumi-$PULUMI_VERSION"
python="$venv_dir/bin/python"
stamp="$venv_dir/.installed-pulumi-$PULUMI_VERSION-with-sdk-needs"

fail() {
	echo "python-pulumi.sh: $*" >&2
	exit 1
}

mkdir -p "$cache_dir"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$cache_dir/.venv-pulumi.lock"
	flock 9
fi

if ! { [[ -x "$python" && -f "$stamp" ]] && "$python" -c "import pulumi, pulumi.automation, wheel, parver, semver" >/dev/null 2>&1; }; then
	command -v python3 >/dev/null 2>&1 || fail "python3 is not on PATH"
	python3 -c "import venv, ensurepip" >/dev/null 2>&1 || fail "python3 lacks the venv/ensurepip modules; on Debian/Ubuntu: apt-get install python3-venv"
	echo "python-pulumi.sh: creating $venv_dir with pulumi==$PULUMI_VERSION" >&2
	rm -rf "$venv_dir"
	python3 -m venv "$venv_dir" >&2 || fail "python3 -m venv $venv_dir failed"
	"$python" -m pip install --disable-pip-version-check --no-input --quiet "pulumi==$PULUMI_VERSION" $SDK_NEEDS >&2 ||
		fail "pip could not install pulumi==$PULUMI_VERSION $SDK_NEEDS from PyPI"
	"$python" -c "import pulumi, pulumi.automation, wheel, parver, semver" || fail "pulumi installed but does not import"
	touch "$stamp"
fi

echo "$python"
