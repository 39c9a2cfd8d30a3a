"""The report filters that put failures and preflight stops in the user's words, and the summary-truth check
itself: a report row that is not true is caught (tests/integration/summary_truth.py)."""

import os
import sys

from ansible_collections.sapcloud.identity.plugins.filter.in_settings import in_settings
from ansible_collections.sapcloud.identity.plugins.filter.summary import preflight_stops

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'integration'))
from summary_truth import untrue_rows  # noqa: E402  pylint: disable=wrong-import-position

NAMES = {'api_url': 'sapcloud_s4_api_url (SAP_S4_API_URL)', 'api_user': 'sapcloud_s4_api_user (SAP_S4_API_USER)',
         'api_password': 'sapcloud_s4_api_password (SAP_S4_API_PASSWORD)',
         'sap_client': 'sapcloud_s4_sap_client (SAP_S4_CLIENT)'}


def test_a_failure_names_the_inventory_variables_behind_the_options_it_speaks_of():
    message = 'GET /x failed (HTTP 400): Logon client missing: pass the URL parameter sap-client'
    assert in_settings(message, NAMES) == message + ' In your settings: sapcloud_s4_sap_client (SAP_S4_CLIENT).'
    logon = 'GET /x failed (HTTP 401): Logon failed (logon of user X failed; check user and password before ...)'
    assert in_settings(logon, NAMES).endswith('In your settings: sapcloud_s4_api_user (SAP_S4_API_USER), '
                                              'sapcloud_s4_api_password (SAP_S4_API_PASSWORD).')
    assert 'sapcloud_s4_api_url (SAP_S4_API_URL)' in in_settings('api_url must be a full base URL', NAMES)
    # Nothing to add: a message about none of them, or one that names them already.
    assert in_settings('the proxy answered 500', NAMES) == 'the proxy answered 500'
    named = 'set sapcloud_s4_sap_client (SAP_S4_CLIENT): sap-client missing'
    assert in_settings(named, NAMES) == named


def test_only_different_facts_and_failed_checks_stop():
    facts = [{'fact': 'a', 'verdict': 'confirmed'}, {'fact': 'b', 'verdict': 'unknown'},
             {'fact': 'c', 'verdict': 'different', 'set': 'x'}]
    assert [f['fact'] for f in preflight_stops(facts)] == ['c']
    stops = preflight_stops(facts, [{'skipped': True}, {'failed': True, 'msg': 'no answer'}, {}])
    assert [(f['fact'], f.get('found')) for f in stops] == [('c', None), ('the preflight check ran', 'no answer')]


class FakeEmulator:
    def __init__(self, users):
        self.users = users

    def state(self, host):
        return {'users': dict((i, {'ID': i, 'Name': n}) for n, i in self.users.items()), 'systems': {},
                'arrangements': {}}


class FakeRun:
    rc = 0
    output = ''

    def __init__(self, report):
        self.results = [{'result': {'ansible_stats': {'data': {'sapcloud_identity': report}}}}]


def report(name, ident, words, values=None):
    return {'check_mode': False, 'shared': [], 'manual': [],
            'tenants': [{'host': 's4_t1', 'values': values or {}, 'open': [],
                         'entries': [{'object': 'communication user', 'name': name, 'id': ident, 'words': words}]}]}


def test_the_truth_check_catches_the_old_rotate_row_and_a_removal_without_a_delete(tmp_path):
    emulator = FakeEmulator({'IDM_IPS_PROXY_B': 'CC0000000003'})
    assert untrue_rows(emulator, FakeRun(report('IDM_IPS_PROXY_B', 'CC0000000003', 'created')), 'rotate.yml', {}, []) == []
    # The row of the old rotate.yml: the retired user's name with the new user's ID, and its deleted password file.
    old = report('IDM_IPS_PROXY_A', 'CC0000000003', 'created',
                 {'password file of the communication user': str(tmp_path / 'IDM_IPS_PROXY_A')})
    untrue = untrue_rows(emulator, FakeRun(old), 'rotate.yml', {}, [])
    assert any('communication user IDM_IPS_PROXY_A is said created but does not exist' in u for u in untrue), untrue
    assert any('is named but not on disk' in u for u in untrue), untrue
    # "removed" for a user the run sent no DELETE for (teardown naming _A and _B when only _B existed).
    gone = FakeEmulator({})
    rows = untrue_rows(gone, FakeRun(report('IDM_IPS_PROXY_A, IDM_IPS_PROXY_B', '', 'removed')), 'teardown.yml', {},
                       [{'host': 's4_t1', 'method': 'DELETE', 'path': "/x/CommunicationUsers('CC1')"}])
    assert rows and 'the run deleted 1 communication user(s)' in rows[0]


def test_the_ips_file_step_speaks_of_the_inventory_variable():
    from ansible_collections.sapcloud.identity.plugins.filter.summary import ips_file_step
    module_words = ('In the IPS admin console, ... import /o/ips.json (...). Then enter the credential properties '
                    'Password on its Properties tab: they are never written to the file. IPS gives the imported '
                    'system a new ID, the GUID at the end of the system\'s URL: pass it as system_id here and as '
                    'proxy_system.system_id to sapcloud.identity.idm_repository, or ... source_csv.')
    first = ips_file_step({'path': '/o/ips.json', 'system_id': '', 'next_step': module_words, 'changed': True},
                          'sapcloud_ips_system_id', 's4_t1')
    assert 'set sapcloud_ips_system_id for s4_t1' in first and 'source_csv' not in first
    assert 'import /o/ips.json' in first and 'Then enter the credential properties Password' in first
    given = {'path': '/o/ips.json', 'system_id': 'abc', 'next_step': 'System ID abc given. Pass ...'}
    assert ips_file_step(dict(given, changed=False), 'sapcloud_ips_system_id', 's4_t1') == ''
    assert 'proxy system abc in the IPS console' in ips_file_step(dict(given, changed=True), 'v', 'h')
    # The api transport, or a standalone use of the role, keeps the module's words.
    assert ips_file_step({'next_step': 'x'}, 'v', 'h') == 'x'
    assert ips_file_step(dict(given, changed=False), '', 'h') == given['next_step']


def test_a_host_report_with_and_without_a_failure():
    from ansible_collections.sapcloud.identity.plugins.filter.summary import summary, summary_host
    entry = {'system': 'S/4HANA Cloud', 'object': 'communication user', 'name': 'U_A', 'changed': False}
    ok = summary_host([entry], 's4_t1', 't1', {'API URL': 'https://x'})
    assert ok == {'host': 's4_t1', 'tenant': 't1', 'entries': [entry], 'values': {'API URL': 'https://x'},
                  'failed': False}
    failed = summary_host([entry], 's4_t2', 't2', None, {'task': 'Ensure the user', 'message': 'HTTP 500'})
    assert failed['failed'] and failed['values'] == {} and failed['entries'][0] == entry
    assert failed['entries'][1] == {'system': 'playbook', 'object': 'failed task', 'name': 'Ensure the user',
                                    'changed': False, 'actions': [], 'outcome': 'failed', 'next_step': 'HTTP 500'}
    report = summary([ok, failed])
    assert report['failed'] == ['s4_t2'] and report['open'] == ['t2: HTTP 500']
