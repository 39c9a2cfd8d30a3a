"""The IPS proxy system and IDM repository models without a server: what each transport sends and compares, when
credentials are sent, the admin's next step, and the initial load's polling on a fake clock."""

import json

import pytest

from ansible_collections.sapcloud.identity.plugins.module_utils.clients import idm_repository_model as repo_model
from ansible_collections.sapcloud.identity.plugins.module_utils.clients import ips_system_model as system_model
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import render_json
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import MASK
from fakes import repository_params  # pylint: disable=wrong-import-order

SYSTEM_ID = '8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b'
URL = 'https://my123456-api.s4hana.cloud.sap'


def system_params(**overrides):
    params = dict(name='S4HC proxy', description=None, connector_type='SAP_S4HANA_CLOUD', destination_name='S4HC',
                  properties={'URL': URL, 'User': 'IPS_USER'}, credential_properties={'Password': 'pw-1'},
                  update_password='on_create', read_transformation=None, write_transformation=None,
                  transport='api', dest=None, force=False, system_id=None, state='present', infrastructure='neo',
                  proxy_url=None, ips_admin_url='https://ips.example.com', ips_admin_user='a',
                  ips_admin_password='b')
    params.update(overrides)
    return params


def server_system(desired, credentials=('Password',), **properties):
    """A system as the contract returns it after desired was sent: credentials by name, never a value."""
    doc = desired.document(credentials=dict((n, None) for n in credentials))
    doc[system_model.KEYS['properties']].update(properties)
    doc['id'] = SYSTEM_ID
    return doc


def test_system_target_names_credentials_without_values():
    desired = system_model.DesiredSystem(system_params())
    target = desired.target(None)
    assert target[system_model.KEYS['credential_properties']] == {'Password': None}
    assert 'pw-1' not in json.dumps(target)
    view = system_model.system_view(target)
    assert view['credential_properties.Password'] == MASK
    assert view['properties'] == ['URL=' + URL, 'User=IPS_USER']


def test_system_target_keeps_the_credentials_the_server_holds():
    desired = system_model.DesiredSystem(system_params(credential_properties=None))
    current = server_system(desired, credentials=('Password', 'Other'))
    assert sorted(desired.target(current)[system_model.KEYS['credential_properties']]) == ['Other', 'Password']
    assert sorted(desired.secret_fields(current)) == ['credential_properties.Other', 'credential_properties.Password']
    assert desired.credential_fields() == []


@pytest.mark.parametrize('change, policy, lost', [
    ({}, 'on_create', []),                                        # nothing that IPS drops credentials for
    ({'properties': {'URL': 'https://my999999-api.s4hana.cloud.sap'}}, 'always', []),  # URL change: send again
    ({'properties': {'User': 'OTHER'}}, 'on_create', []),
])
def test_system_password_policy(change, policy, lost):
    current = server_system(system_model.DesiredSystem(system_params()))
    desired = system_model.DesiredSystem(system_params(**change))
    assert desired.password_policy(current) == (policy, lost)


def test_system_url_change_names_the_credentials_it_drops():
    current = server_system(system_model.DesiredSystem(system_params()), credentials=('Password', 'Token'))
    desired = system_model.DesiredSystem(system_params(properties={'URL': 'https://my999999-api.s4hana.cloud.sap'}))
    assert desired.password_policy(current) == ('always', ['Token'])


def test_system_credential_missing_on_the_server_is_sent():
    current = server_system(system_model.DesiredSystem(system_params()), credentials=())
    assert system_model.DesiredSystem(system_params()).password_policy(current) == ('always', [])
    assert system_model.DesiredSystem(system_params()).password_policy(None) == ('on_create', [])


def test_system_file_is_recognised_and_holds_no_secret(tmp_path):
    desired = system_model.DesiredSystem(system_params(transport='file', dest=str(tmp_path / 'sys.json')))
    text = render_json(desired.file_document())
    assert 'pw-1' not in text
    assert system_model.is_system_json(text)
    assert system_model.file_view(text) == system_model.system_view(desired.target(None))
    assert not system_model.is_system_json('{"name": "x"}') and not system_model.is_system_json('not json')
    assert system_model.file_view('[]') == {'content': 'not a proxy system JSON document'}


def test_system_next_step_before_and_after_the_import(tmp_path):
    dest = str(tmp_path / 'sys.json')
    before = system_model.DesiredSystem(system_params(transport='file', dest=dest)).file_next_step(changed=True)
    assert dest in before and 'Password' in before and 'system_id' in before
    after = system_model.DesiredSystem(system_params(transport='file', dest=dest, system_id=SYSTEM_ID))
    assert after.file_next_step(changed=False).startswith('System ID %s given.' % SYSTEM_ID)
    assert 'make the same change to system %s' % SYSTEM_ID in after.file_next_step(changed=True)


def test_repository_target_and_password_policy():
    desired = repo_model.DesiredRepository(repository_params())
    target = desired.target(None)
    assert target['encryptedConstants'] == ['AUTH_PASSWORD'] and 'secret-1' not in json.dumps(target)
    assert desired.password_policy(None) == 'always'  # a new repository gets its secrets
    current = dict(target, id=7, constants={'EXTRA': 'kept'})
    assert desired.password_policy(current) == 'on_create'
    assert desired.target(current)['constants']['EXTRA'] == 'kept'
    assert repo_model.DesiredRepository(repository_params(update_password='always')).password_policy(current) == \
        'always'
    assert desired.password_policy(dict(current, encryptedConstants=[])) == 'always'


@pytest.mark.parametrize('include_secrets', [True, False])
def test_repository_file_document_and_next_step(include_secrets):
    desired = repo_model.DesiredRepository(repository_params(transport='file', dest='/tmp/r.csv',
                                                             include_secrets=include_secrets))
    assert ('AUTH_PASSWORD' in desired.file_constants()) is include_secrets
    document = desired.file_document()
    assert 'secret-1' not in json.dumps(document)
    assert document['encryptedConstants'] == (['AUTH_PASSWORD'] if include_secrets else [])
    step = desired.file_next_step(rewritten=False)
    assert '/tmp/r.csv' in step and 'Run now' in step and 'change its constants there' not in step
    assert ('Check that IDM took the encrypted constants AUTH_PASSWORD' in step) is include_secrets
    assert 'change its constants there by hand' in desired.file_next_step(rewritten=True)


class FakeClock:
    """time.time and time.sleep that only count."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def jobs(*statuses):
    """read_job answering the statuses in turn (the last one again when more reads come)."""
    answers = [{'id': 'j1', 'status': s, 'message': 'load %s' % s} for s in statuses]
    reads = []

    def read_job():
        reads.append(1)
        return answers[min(len(reads), len(answers)) - 1]
    return read_job, reads


def test_a_load_that_ends_is_read_with_growing_delays():
    clock = FakeClock()
    read_job, reads = jobs('running', 'running', 'succeeded')
    job = repo_model.wait_for_load({'id': 'j1', 'status': 'running'}, read_job, 900, clock.sleep, clock.time)
    assert job['status'] == 'succeeded' and len(reads) == 3
    assert clock.sleeps == [0.2, 0.4, 0.8]
    assert repo_model.load_failure(job, 900) is None


def test_a_load_that_never_ends_stops_at_the_deadline():
    clock = FakeClock()
    read_job, reads = jobs('running')
    job = repo_model.wait_for_load({'id': 'j1', 'status': 'running'}, read_job, 30, clock.sleep, clock.time)
    assert job['status'] == 'running'
    assert sum(clock.sleeps) == pytest.approx(30) and clock.now == pytest.approx(1030)
    assert max(clock.sleeps) == repo_model.POLL_MAX  # the delay stops growing
    assert clock.sleeps[:6] == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0]
    assert len(reads) == len(clock.sleeps)
    assert 'still running after 30 seconds' in repo_model.load_failure(job, 30)


def test_a_load_that_fails_is_reported_with_its_message():
    clock = FakeClock()
    read_job, _reads = jobs('running', 'failed')
    job = repo_model.wait_for_load({'id': 'j1', 'status': 'running'}, read_job, 900, clock.sleep, clock.time)
    assert repo_model.load_failure(job, 900) == 'load failed'
    assert repo_model.load_failure(job, 0) == 'load failed'


def test_timeout_zero_starts_and_returns_at_once():
    clock = FakeClock()
    read_job, reads = jobs('succeeded')
    job = repo_model.wait_for_load({'id': 'j1', 'status': 'running'}, read_job, 0, clock.sleep, clock.time)
    assert job['status'] == 'running' and not reads and not clock.sleeps
    assert repo_model.load_failure(job, 0) is None


def test_which_load_to_follow():
    running = {'id': 'j1', 'status': 'running'}
    done = {'id': 'j0', 'status': 'succeeded'}
    assert repo_model.running_load({'initialLoad': {'lastJob': running}}) == running
    assert repo_model.running_load({'initialLoad': {'lastJob': done}}) is None
    assert repo_model.running_load({}) is None
    loaded = {'initialLoad': {'lastJob': done, 'lastSucceeded': '2026-01-01T00:00:00Z'}}
    assert 'loaded before' in repo_model.skipped_load(loaded, 'once')['message']
    assert repo_model.skipped_load(loaded, 'always') is None
    assert repo_model.skipped_load({'initialLoad': {'lastJob': None}}, 'once') is None
