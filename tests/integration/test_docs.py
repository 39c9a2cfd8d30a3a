"""README and docs are correct and self-contained (no ansible-playbook run).

- Every environment variable the docs name (the collection's namespace: SAP_S4_*, SAP_NEO_*, SAP_CF_*, SAP_IPS_*,
  SAP_IDM_*, SAP_IAS_*, SAPCLOUD_*; a family such as SAP_IPS_ADMIN_* counts when one member exists) exists as a
  fallback: env_fallback, env_option() or os.environ in plugins/, or lookup('ansible.builtin.env', ...) in
  playbooks/ and roles/.
- No doc cites a path outside the repository: every relative link resolves inside it, and no doc names the
  reference notes that are not part of it.
"""

import glob
import os
import re

from conftest import REPO

DOCS = sorted([os.path.join(REPO, 'README.md'), os.path.join(REPO, 'tests', 'emulator', 'README.md')]
              + glob.glob(os.path.join(REPO, 'docs', '*.md')) + glob.glob(os.path.join(REPO, 'roles', '*', 'README.md')))
ENV_NAME = re.compile(r'\b((?:SAP_(?:S4|NEO|CF|IPS|IDM|IAS)|SAPCLOUD)_[A-Z0-9_]*[A-Z0-9*]|(?:SAP_(?:S4|NEO|CF|IPS|IDM|IAS)|SAPCLOUD)_[A-Z0-9_]*_\*?)')
LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')
# The reference notes outside the repository, and any path under the top-level folder this checkout lives in (found
# at run time: a doc must not name where one machine keeps its files).
TOP = os.sep + REPO.split(os.sep)[1]
OUTSIDE = re.compile(r'shared/(?:reference|specs)|\.\./shared|(?<![\w.])%s/' % re.escape(TOP))


def read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def fallbacks():
    """Every environment variable a module, plugin, playbook or role reads (the playbooks' plan included)."""
    names = set()
    for path in glob.glob(os.path.join(REPO, 'plugins', '**', '*.py'), recursive=True):
        text = read(path)
        for listed in re.findall(r'env_fallback,\s*\[([^\]]*)\]', text):
            names.update(re.findall(r"'([A-Z0-9_]+)'", listed))
        names.update(re.findall(r"env_option\(\s*'([A-Z0-9_]+)'", text))
        names.update(re.findall(r"environ(?:\.get)?\(\s*'([A-Z0-9_]+)'", text))
        names.update(re.findall(r"environ\[\s*'([A-Z0-9_]+)'\s*\]", text))
        # The playbooks' plan (plugins/filter/integration.py): a variable and the environment variable behind it.
        names.update(re.findall(r"given\('sapcloud_[a-z0-9_]+', '([A-Z0-9_]+)'", text))
        names.update(re.findall(r"\('sapcloud_[a-z0-9_]+', '([A-Z0-9_]+)', (?:'[a-z0-9_]+'|None), '[a-z0-9_]+'\)", text))
    for path in glob.glob(os.path.join(REPO, 'playbooks', '**', '*.yml'), recursive=True) + \
            glob.glob(os.path.join(REPO, 'roles', '**', '*.yml'), recursive=True):
        names.update(re.findall(r"lookup\('ansible\.builtin\.env', '([A-Z0-9_]+)'", read(path)))
    return names


def test_the_docs_are_found():
    assert len(DOCS) > 8 and os.path.join(REPO, 'docs', 'runbook.md') in DOCS


def test_every_environment_variable_in_the_docs_is_read_somewhere():
    known = fallbacks()
    assert {'SAP_S4_API_PASSWORD', 'SAP_IPS_CLIENT_ID', 'SAP_NEO_PROVIDER_SUBACCOUNT', 'SAPCLOUD_CA_PATH'} <= known
    unknown = []
    for path in DOCS:
        for name in set(ENV_NAME.findall(read(path))):
            family = name.rstrip('*')
            found = any(k.startswith(family) for k in known) if family.endswith('_') else name in known
            if not found:
                unknown.append('%s: %s' % (os.path.relpath(path, REPO), name))
    assert unknown == []


def test_no_doc_cites_a_path_outside_the_repository():
    problems = []
    for path in DOCS:
        text = read(path)
        for match in OUTSIDE.finditer(text):
            problems.append('%s: cites %s' % (os.path.relpath(path, REPO), match.group(0)))
        for target in LINK.findall(text):
            if re.match(r'^[a-z]+://|^#|^mailto:', target):
                continue
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), target.split('#')[0]))
            if not resolved.startswith(REPO + os.sep) or not os.path.exists(resolved):
                problems.append('%s: link %s' % (os.path.relpath(path, REPO), target))
    assert problems == []
