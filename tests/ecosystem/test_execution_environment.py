"""execution-environment.yml: `ansible-builder create` succeeds and its build context holds the collection as
built now and its Python requirements. Without a container engine the galaxy and introspection steps of the
image build are run here the way the Containerfile runs them."""

import json
import os
import re
import subprocess
import sys
import tarfile

import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BIN = os.path.dirname(sys.executable)


def lines(path):
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith('#')]


def test_build_context(tmp_path):
    context = tmp_path / 'context'
    subprocess.run(['bash', os.path.join(REPO, 'tests', 'ecosystem', 'ee_context.sh'), str(context)], check=True,
                   capture_output=True, text=True, env=dict(os.environ, VENV_BIN=BIN))
    build = context / '_build'
    with open(os.path.join(REPO, 'galaxy.yml')) as handle:
        galaxy = yaml.safe_load(handle)

    # The collection tarball, as ansible-galaxy built it from this tree, with what introspection reads.
    with tarfile.open(str(build / 'collections' / 'sapcloud-identity.tar.gz')) as tarball:
        manifest = json.load(tarball.extractfile('MANIFEST.json'))['collection_info']
        members = set(tarball.getnames())
    assert (manifest['namespace'], manifest['name'], manifest['version']) == ('sapcloud', 'identity', galaxy['version'])
    assert {'requirements.txt', 'meta/execution-environment.yml', 'meta/runtime.yml', 'plugins/modules/s4_comm_user.py',
            'playbooks/integrate.yml'} <= members
    assert not [m for m in members if m.startswith(('.build', '.tmp', '.venv', 'tests/output')) or m.endswith('.pyc')]

    # The Python requirements and the galaxy requirement naming that tarball.
    assert lines(str(build / 'requirements.txt')) == lines(os.path.join(REPO, 'requirements.txt'))
    with open(str(build / 'requirements.yml')) as handle:
        assert yaml.safe_load(handle) == {'collections': [{'name': 'collections/sapcloud-identity.tar.gz',
                                                           'type': 'file'}]}

    # Base image and ansible-core are build arguments; the default ansible-core range is the claimed one.
    containerfile = (context / 'Containerfile').read_text()
    assert re.search(r'^ARG EE_BASE_IMAGE="\S+"$', containerfile, re.M)
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="(.*)"$', containerfile, re.M).group(1)
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        claimed = yaml.safe_load(handle)['requires_ansible']
    claimed = re.sub(r'\.0\b', '', claimed)
    assert 'ansible-core%s' % claimed in refs.split()

    # The galaxy stage: ansible-galaxy install -r requirements.yml in _build; then the builder stage's introspection.
    collections = tmp_path / 'collections'
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-r', 'requirements.yml',
                    '--collections-path', str(collections)], cwd=str(build), check=True, capture_output=True,
                   env=dict(os.environ, ANSIBLE_GALAXY_DISABLE_GPG_VERIFY='1'))
    assert (collections / 'ansible_collections' / 'sapcloud' / 'identity' / 'MANIFEST.json').exists()
    found = subprocess.run([sys.executable, str(build / 'scripts' / 'introspect.py'), 'introspect', str(collections)],
                           check=True, capture_output=True, text=True).stdout
    python = [entry.split('#')[0].strip() for entry in yaml.safe_load(found)['python']
              if entry.endswith('from collection sapcloud.identity')]
    assert python == lines(os.path.join(REPO, 'requirements.txt'))
