"""The AWX credential types in extensions/awx/credential_types: well-formed, and every value they inject is one
the collection reads (a module's environment fallback, or a variable the playbooks and roles read)."""

import glob
import json
import os
import re
import subprocess
import sys

import jinja2
import jinja2.meta
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
TYPES = os.path.join(REPO, 'extensions', 'awx', 'credential_types')
LOADER = os.path.join(REPO, 'extensions', 'awx', 'load_credential_types.sh')
FOLDERS = sorted(os.path.basename(d) for d in glob.glob(os.path.join(TYPES, '*')) if os.path.isdir(d))
# Optional inputs render as '' when not given; these variables are read so that '' means "not set".
EMPTY_MEANS_UNSET = {'SAP_IAS_URL', 'SAP_S4_API_CLIENT_KEY_PASSPHRASE', 'SAP_IPS_CLIENT_KEY_PASSPHRASE'}
# A file injector (certificates and keys): AWX writes the input to a private file and names it tower.filename.<x>.
FILE_TEMPLATE = re.compile(r'^template\.([a-z_]+)$')


def read(*parts):
    with open(os.path.join(REPO, *parts)) as handle:
        return handle.read()


def sources(*folders, suffixes=('.py', '.yml', '.yaml', '.j2')):
    for folder in folders:
        for root, _dirs, files in os.walk(os.path.join(REPO, folder)):
            for name in files:
                if name.endswith(suffixes):
                    with open(os.path.join(root, name)) as handle:
                        yield handle.read()


FALLBACK = re.compile(r"env_fallback, \[([^\]]*)\]|env_option\('([A-Z0-9_]+)'")


def fallback_lines():
    """(environment variable, line) for every option of plugins/ that falls back to one (env_fallback directly, or
    base.env_option)."""
    out = []
    for text in sources('plugins', suffixes=('.py',)):
        for line in text.splitlines():
            for listed, single in FALLBACK.findall(line):
                out += [(name, line) for name in re.findall(r"'([A-Z0-9_]+)'", listed) + ([single] if single else [])]
    return out


def env_vars_read():
    """Environment variables the modules fall back to, those the playbooks and roles look up, and those the
    integration filters read for a variable that is not set (`inputs.given('sapcloud_x', 'SAP_X')`)."""
    names = {name for name, _line in fallback_lines()}
    for text in sources('playbooks', 'roles'):
        names.update(re.findall(r"lookup\('(?:ansible\.builtin\.)?env', '([A-Z0-9_]+)'\)", text))
    # The integration plan (plugins/filter/integration.py) reads the ones that stand in for inventory variables.
    for text in sources('plugins', suffixes=('.py',)):
        names.update(re.findall(r"given\(\s*'[a-z0-9_]+',\s*'([A-Z0-9_]+)'", text))
    return names


def variables_read():
    return {name for text in sources('playbooks', 'roles') for name in re.findall(r'\b(sapcloud_[a-z0-9_]+)\b', text)}


def load(folder):
    with open(os.path.join(TYPES, folder, 'inputs.yml')) as handle:
        inputs = yaml.safe_load(handle)
    with open(os.path.join(TYPES, folder, 'injectors.yml')) as handle:
        injectors = yaml.safe_load(handle)
    return inputs, injectors


def test_the_five_systems_have_types():
    assert FOLDERS == ['btp_cf_destination', 'btp_neo', 'idm_admin', 'ips_admin', 'ips_proxy_client',
                       'ips_proxy_client_certificate', 's4hana_cloud', 's4hana_cloud_certificate']


@pytest.mark.parametrize('folder', FOLDERS)
def test_injectors_fill_what_the_collection_reads(folder):
    inputs, injectors = load(folder)
    fields = {field['id']: field for field in inputs['fields']}
    assert set(inputs['required']) <= set(fields)
    assert set(injectors) <= {'env', 'extra_vars', 'file'}
    env = injectors.get('env', {})
    extra_vars = injectors.get('extra_vars', {})
    files = dict((FILE_TEMPLATE.match(k).group(1), v) for k, v in injectors.get('file', {}).items())
    assert env or extra_vars

    known_env, known_vars = env_vars_read(), variables_read()
    assert set(env) <= known_env, 'injected but never read: %s' % sorted(set(env) - known_env)
    assert set(extra_vars) <= known_vars, 'injected but never read: %s' % sorted(set(extra_vars) - known_vars)
    assert not [name for name in env if name.startswith('ANSIBLE_')]  # reserved by AWX

    environment = jinja2.Environment()
    used = set()
    for name, template in files.items():
        assert jinja2.meta.find_undeclared_variables(environment.parse(template)) == {name}, name
        assert any('tower.filename.%s' % name in t for t in env.values()), 'file %s is named nowhere' % name
    for name, template in list(env.items()) + list(extra_vars.items()):
        referenced = jinja2.meta.find_undeclared_variables(environment.parse(template))
        if referenced == {'tower'}:
            referenced = set(re.findall(r'tower\.filename\.([a-z_]+)', template))
        assert referenced and referenced <= set(fields), (name, referenced)
        used |= referenced
        optional = referenced - set(inputs['required'])
        assert not optional or name in EMPTY_MEANS_UNSET, '%s takes the optional %s' % (name, optional)
    assert used == set(fields), 'inputs nobody injects: %s' % (set(fields) - used)


@pytest.mark.parametrize('folder', FOLDERS)
def test_secrets_are_secret_on_both_sides(folder):
    """A secret input is masked by AWX, and the module option it lands in is no_log."""
    inputs, injectors = load(folder)
    secret_fields = {f['id'] for f in inputs['fields'] if f.get('secret')}
    assert secret_fields
    for field in inputs['fields']:
        if re.search('password|secret|key', field['id']):
            assert field['id'] in secret_fields, field['id']
    fallbacks = fallback_lines()
    for name, template in injectors.get('env', {}).items():
        if jinja2.meta.find_undeclared_variables(jinja2.Environment().parse(template)) & secret_fields:
            options = [line for variable, line in fallbacks if variable == name]
            assert options and all('no_log=True' in line for line in options), name


def test_loader_loads_every_type_and_the_docs_name_it():
    script = read('extensions', 'awx', 'load_credential_types.sh')
    loaded = re.findall(r'^load (\S+) ', script, re.M)
    assert sorted(loaded) == FOLDERS
    assert 'extensions/awx/load_credential_types.sh' in read('docs', 'awx.md')


class FakeAwx:
    """The loader run against tests/ecosystem/fake_awx.py as `awx`: the types it holds and the writes it saw."""

    def __init__(self, tmp_path):
        bindir = tmp_path / 'bin'
        bindir.mkdir()
        (bindir / 'awx').write_text('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (sys.executable, os.path.join(HERE, 'fake_awx.py')))
        (bindir / 'awx').chmod(0o755)
        self.state = str(tmp_path / 'awx.json')
        self.env = dict(os.environ, PATH='%s%s%s' % (bindir, os.pathsep, os.environ['PATH']), PYTHON=sys.executable,
                        FAKE_AWX_STATE=self.state)

    def load(self, *args):
        proc = subprocess.run(['bash', LOADER] + list(args), env=self.env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout.strip().splitlines()

    def types(self):
        with open(self.state) as handle:
            return {t['name']: t for t in json.load(handle)}

    def writes(self):
        path = self.state + '.writes'
        return open(path).read().splitlines() if os.path.exists(path) else []


def test_loader_check_mode_writes_nothing_and_a_second_run_changes_nothing(tmp_path):
    awx = FakeAwx(tmp_path)
    count = len(FOLDERS)  # every folder of extensions/awx/credential_types is one type
    lines = awx.load('--check')
    assert lines[-1] == 'credential types (check mode, nothing written): %d to create, 0 to update, 0 unchanged' % count
    assert awx.writes() == []

    assert awx.load()[-1] == 'credential types: %d created, 0 updated, 0 unchanged' % count
    types = awx.types()
    for folder in FOLDERS:
        inputs, injectors = load(folder)
        assert [t for t in types.values() if t['inputs'] == inputs and t['injectors'] == injectors], folder
    assert len(awx.writes()) == count

    assert awx.load()[-1] == 'credential types: 0 created, 0 updated, %d unchanged' % count
    assert len(awx.writes()) == count


def test_loader_updates_a_type_that_differs(tmp_path):
    awx = FakeAwx(tmp_path)
    awx.load()
    stale = awx.types()
    name = 'SAP BTP Neo platform API client'
    stale[name]['inputs']['fields'] = stale[name]['inputs']['fields'][:1]
    with open(awx.state, 'w') as handle:
        json.dump(list(stale.values()), handle)

    assert 'update: %s (id %d)' % (name, stale[name]['id']) in awx.load('--check')
    assert len(awx.writes()) == len(FOLDERS)
    assert awx.load()[-1] == 'credential types: 0 created, 1 updated, %d unchanged' % (len(FOLDERS) - 1)
    assert awx.writes()[-1] == 'credential_types modify %d' % stale[name]['id']
    assert awx.types()[name]['inputs'] == load('btp_neo')[0]
