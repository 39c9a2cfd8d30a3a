#!/usr/bin/env bash
# make docs: the collection's HTML docs site in .build/docs/html, offline. antsibull-docs writes the RST of every
# module, plugin, role and playbook from the collection as ansible-doc sees it; the guides are docs/*.md, the
# README and CHANGELOG.md, copied unchanged (MyST renders them), so the Markdown stays their only source.
set -euo pipefail
site=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$site/../../.." && pwd)
out=${DOCS_OUT:-$repo/.build/docs}
root=$(bash "$repo/tests/collections_root.sh")
export ANSIBLE_COLLECTIONS_PATH=$root

rm -rf "$out"
mkdir -p "$out/rst/docs"
chmod og-w "$out/rst"  # antsibull-docs wants its destination writable by its owner only
antsibull-docs --config-file "$site/antsibull-docs.cfg" collection --use-current --squash-hierarchy \
  --fail-on-error --dest-dir "$out/rst" sapcloud.identity

cp "$site/ansible-references.rst" "$out/rst/"
cp "$repo"/docs/*.md "$out/rst/docs/"
cp "$repo/README.md" "$repo/CHANGELOG.md" "$out/rst/"
# The emulator's guide, where the README links it.
mkdir -p "$out/rst/tests/emulator"
cp "$repo/tests/emulator/README.md" "$out/rst/tests/emulator/"
{
  printf '\n.. toctree::\n   :maxdepth: 1\n   :caption: Guides\n\n   README\n'
  for page in "$out"/rst/docs/*.md; do
    printf '   docs/%s\n' "$(basename "$page" .md)"
  done
  printf '   tests/emulator/README\n   CHANGELOG\n'
} >> "$out/rst/index.rst"

sphinx-build -q -W --keep-going -b html -c "$site" "$out/rst" "$out/html"
echo "Docs site: $out/html/index.html"
