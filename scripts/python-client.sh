#!/usr/bin/env bash
# Makes (once, then reuses) a virtualenv holding NetApp's own Python client for ONTAP, `netapp-ontap`,
# pinned exactly, OUTSIDE the repository, and prints the venv's python path on its last line.
# test/e2e/python-client.test.ts runs test/python/check_simulator.py with it to judge the ONTAP simulator.
#
#   scripts/python-client.sh            # -> .../venv-netapp-ontap/bin/python
#
# Where: ${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}/venv-netapp-ontap
# Needs: python3 with the venv module (Debian/Ubuntu: apt-get install python3-venv) and access to PyPI.
#
# Why 9.19.1.0: the newest release; its resources/security_config.py and models (tls.py,
# software_data_encryption.py) carry every /api/security field up to ONTAP 9.19.1 (tls.offload_enabled,
# software_data_encryption.encryption_state and .rekey), the newest release the simulator models. The
# stamp file below names the version, so a change of it rebuilds the cached venv.
set -euo pipefail

NETAPP_ONTAP_VERSION="9.19.1.0"

cache_dir="${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}"
venv_dir="$cache_dir/venv-netapp-ontap"
python="$venv_dir/bin/python"
stamp="$venv_dir/.installed-netapp-ontap-$NETAPP_ONTAP_VERSION"

fail() {
  echo "python-client.sh: $*" >&2
  exit 1
}

ready() {
  [[ -x "$python" && -f "$stamp" ]] && "$python" -c "import netapp_ontap" >/dev/null 2>&1
}

mkdir -p "$cache_dir"
# Two test runs may start at once: the first builds, the second waits, then reuses.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_dir/.venv-netapp-ontap.lock"
  flock 9
fi

if ! ready; then
  command -v python3 >/dev/null 2>&1 || fail "python3 is not on PATH; install Python 3.8 or later"
  python3 -c "import venv, ensurepip" >/dev/null 2>&1 \
    || fail "python3 ($(command -v python3)) lacks the venv/ensurepip modules; on Debian/Ubuntu: apt-get install python3-venv"
  echo "python-client.sh: creating $venv_dir with netapp-ontap==$NETAPP_ONTAP_VERSION" >&2
  rm -rf "$venv_dir"
  python3 -m venv "$venv_dir" >&2 || fail "python3 -m venv $venv_dir failed"
  "$python" -m pip install --disable-pip-version-check --no-input --quiet "netapp-ontap==$NETAPP_ONTAP_VERSION" >&2 \
    || fail "pip could not install netapp-ontap==$NETAPP_ONTAP_VERSION from PyPI (network? proxy?)"
  "$python" -c "import netapp_ontap" || fail "netapp-ontap installed but does not import"
  touch "$stamp"
fi

echo "$python"
