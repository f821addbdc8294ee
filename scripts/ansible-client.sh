#!/usr/bin/env bash
# Makes (once, then reuses) a virtualenv holding NetApp's Ansible collection for ONTAP (`netapp.ontap`, as
# bundled in PyPI's `ansible` package), pinned exactly, OUTSIDE the repository, and prints the venv's bin
# directory on its last line (its `python` is the interpreter the modules run with). The end-to-end tests under test/e2e/ run `ansible-playbook` from there against
# the ONTAP simulator, with NetApp's modules unmodified.
#
#   scripts/ansible-client.sh            # -> .../venv-ansible/bin
#
# Where: ${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}/venv-ansible
# Needs: Python 3.12 or later (ansible 14 requires it) with the venv module, and access to PyPI. The Python
# is, in this order: $ANSIBLE_PYTHON, python3.13 / python3.12 on PATH, python3 when it is 3.12 or later, the
# newest 3.12+ under pyenv's root.
set -euo pipefail

ANSIBLE_VERSION="14.5.0"
# NetApp's modules speak REST through `requests`, which `ansible` does not bring.
REQUESTS_VERSION="2.34.2"

cache_dir="${PULUMI_ONTAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-ontap-security}"
venv_dir="$cache_dir/venv-ansible"
bin="$venv_dir/bin"
stamp="$venv_dir/.installed-ansible-$ANSIBLE_VERSION-requests-$REQUESTS_VERSION"

fail() {
  echo "ansible-client.sh: $*" >&2
  exit 1
}

ready() {
  [[ -x "$bin/ansible-playbook" && -f "$stamp" ]] && "$bin/python" -c "import ansible, requests" >/dev/null 2>&1
}

# True when $1 runs and is Python 3.12 or later.
recent_enough() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidate
  for candidate in "${ANSIBLE_PYTHON:-}" python3.13 python3.12 python3; do
    [[ -n "$candidate" ]] || continue
    if command -v "$candidate" >/dev/null 2>&1 && recent_enough "$(command -v "$candidate")"; then
      command -v "$candidate"
      return 0
    fi
  done
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root)"; fi
  # Newest first: 3.13.x before 3.12.x.
  for candidate in $(ls -d "$root"/versions/3.* 2>/dev/null | sort -t. -k2,2nr -k3,3nr); do
    if [[ -x "$candidate/bin/python3" ]] && recent_enough "$candidate/bin/python3"; then
      echo "$candidate/bin/python3"
      return 0
    fi
  done
  return 1
}

mkdir -p "$cache_dir"
# Two test runs may start at once: the first builds, the second waits, then reuses.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_dir/.venv-ansible.lock"
  flock 9
fi

if ! ready; then
  python="$(find_python)" || fail "no Python 3.12 or later found (ansible $ANSIBLE_VERSION needs it); set ANSIBLE_PYTHON to one"
  "$python" -c "import venv, ensurepip" >/dev/null 2>&1 || fail "$python lacks the venv/ensurepip modules"
  echo "ansible-client.sh: creating $venv_dir with ansible==$ANSIBLE_VERSION ($("$python" --version 2>&1))" >&2
  rm -rf "$venv_dir"
  "$python" -m venv "$venv_dir" >&2 || fail "$python -m venv $venv_dir failed"
  "$bin/python" -m pip install --disable-pip-version-check --no-input --quiet "ansible==$ANSIBLE_VERSION" "requests==$REQUESTS_VERSION" >&2 \
    || fail "pip could not install ansible==$ANSIBLE_VERSION and requests==$REQUESTS_VERSION from PyPI (network? proxy?)"
  "$bin/ansible-doc" -t module netapp.ontap.na_ontap_security_config >/dev/null 2>&1 \
    || fail "ansible installed but its netapp.ontap collection is missing"
  touch "$stamp"
fi

echo "$bin"
