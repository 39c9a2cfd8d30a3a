#!/usr/bin/env bash
# ansible-lint (production profile, offline) on the roles and playbooks, with the collection resolved from this
# checkout through .build/collections/ansible_collections/sapcloud/identity (the tree the tests use).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${VENV_BIN:-$repo/.venv/bin}
root=$(bash "$repo/tests/collections_root.sh")
cd "$repo"
ANSIBLE_COLLECTIONS_PATH=$root PATH=$bin:$PATH "$bin/ansible-lint" --offline --profile production "$@" roles playbooks
