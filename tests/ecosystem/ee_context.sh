#!/usr/bin/env bash
# The execution environment's build context (ansible-builder create) from the collection as built now:
# ansible-galaxy collection build, the tarball copied to where execution-environment.yml takes it from, then
# `ansible-builder create`. Building the image needs a container engine (podman build CONTEXT).
#
#   bash tests/ecosystem/ee_context.sh [CONTEXT]      (default .build/ee/context)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VENV_BIN:-$repo/.venv/bin}
context=${1:-$repo/.build/ee/context}
dist=$repo/.build/ee/dist
rm -rf "$dist"
"$bin/ansible-galaxy" collection build --output-path "$dist" "$repo" > /dev/null
cp "$dist"/sapcloud-identity-*.tar.gz "$repo/.build/ee/sapcloud-identity.tar.gz"
rm -rf "$context"
cd "$repo"
"$bin/ansible-builder" create --file execution-environment.yml --context "$context" --output-filename Containerfile
