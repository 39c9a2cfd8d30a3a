#!/usr/bin/env bash
# Prints the collections root this checkout is resolved from: .build/collections, in which
# ansible_collections/sapcloud/identity links to the checkout (Ansible finds a collection only under that path).
# Makes the link on first use; concurrent callers are safe (ln -sfn replaces, never fails on an existing link).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
link=$repo/.build/collections/ansible_collections/sapcloud/identity
[ -e "$link" ] || { mkdir -p "$(dirname "$link")" && ln -sfn "$repo" "$link"; }
echo "$repo/.build/collections"
