#!/usr/bin/env bash
# The ecosystem checks of make test: changelog (fragments, changelog.yaml, CHANGELOG.md rendered from it), the
# collection's docs as antsibull-docs sees them, and the tests in this folder (execution environment build
# context, AWX credential types, integrate.yml as an ansible-runner job).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VENV_BIN:-$repo/.venv/bin}
export PATH=$bin:$PATH
cd "$repo"

echo "== antsibull-changelog lint"
antsibull-changelog lint
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
cp CHANGELOG.md "$rendered"
antsibull-changelog generate
if ! cmp -s CHANGELOG.md "$rendered"; then
  echo "CHANGELOG.md was not rendered from changelogs/changelog.yaml; it is now: commit it"
  exit 1
fi

echo "== antsibull-docs lint-collection-docs --plugin-docs"
root=$(bash "$repo/tests/collections_root.sh")
link=$root/ansible_collections/sapcloud/identity
ANSIBLE_COLLECTIONS_PATH=$root antsibull-docs lint-collection-docs --plugin-docs "$link"

echo "== tests/ecosystem"
python -m pytest -q tests/ecosystem
