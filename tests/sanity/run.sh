#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection at .../ansible_collections/sapcloud/identity (ansible-test
# needs that path). Runs offline: the pip bootstrap ansible-test would download is replaced by ensurepip.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VENV_BIN:-$repo/.venv/bin}
cache=$HOME/.ansible/test/cache
mkdir -p "$cache"
for version in 24_2 25_0 25_3; do
  stub=$cache/get_pip_$version.py
  [ -f "$stub" ] || printf 'import ensurepip\nimport sys\nsys.exit(ensurepip._main(["--upgrade", "--default-pip"]) or 0)\n' > "$stub"
done
tree=$repo/.build/sanity/ansible_collections/sapcloud/identity
rm -rf "$repo/.build/sanity"
mkdir -p "$tree"
# Only what git tracks or would track: ansible-test ignores git-ignored files, a copy keeps the venv out.
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$tree")
cd "$tree"
git init -q . && git add -A >/dev/null
PATH=$bin:$PATH "$bin/ansible-test" sanity --venv --requirements --python 3.11 --color no "$@"
