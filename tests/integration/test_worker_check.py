"""sapcloud.identity.s4_worker_check against the emulated S/4HANA Cloud tenant s4_t3: QueryBusinessUserIn (SOAP,
scenarios SAP_COM_0093/0193) and API_BUSINESS_PARTNER (OData V2, SAP_COM_0008). Read-only: no request may
change state, which the emulator's stats prove.
"""

import json

import pytest

from helpers import assert_no_secret, measure
from ips_support import COMM_PASSWORD, TENANT, WRONG_PASSWORD, setup_landscape

MODULE = 'sapcloud.identity.s4_worker_check'


@pytest.fixture
def landscape(emulator):
    setup_landscape(emulator)


def connection(emulator, user='IT_IPS_V1', password=COMM_PASSWORD):
    return {'api_url': emulator.url(TENANT), 'api_user': user, 'api_password': password}


def business_partner(emulator, worker_id):
    return emulator.state(TENANT)['business']['workers'][worker_id]['PersonID']


def state_changes(emulator):
    """Requests that could change state: anything but GETs and SOAP queries."""
    paths = emulator.stats()['hosts'].get(TENANT, {}).get('paths', {})
    return [k for k in paths if not k.startswith('GET ') and not k.endswith('/querybusinessuserin')]


@pytest.mark.parametrize('check_mode', [False, True])
def test_query_business_user_finds_workers(emulator, module, landscape, check_mode):
    run, reads, _writes = measure(emulator, lambda: module.task(
        MODULE, {'workers': ['IT-W-001', 'IT-W-003']}, defaults=connection(emulator), check=check_mode), [TENANT])
    assert not run.changed and not run.failed, run.msg
    assert run.data['found'] == ['IT-W-001', 'IT-W-003'] and run.data['missing'] == []
    first = run.data['workers'][0]
    assert first['user_name'] == 'IT_ADA' and first['business_partner_role'] == 'BUP003' and first['exists']
    assert run.data['workers'][1]['business_partner_role'] == 'BBP005'
    assert reads == 1 and state_changes(emulator) == []  # one SOAP query for all IDs


def test_missing_workers_fail_with_their_ids(emulator, module, landscape):
    workers = ['IT-W-001', 'IT-W-NOPE', 'IT-W-ARCHIVED']
    run = module.task(MODULE, {'workers': workers}, defaults=connection(emulator))
    assert run.failed and 'workers missing in S/4HANA Cloud' in run.msg, run.msg
    assert 'IT-W-NOPE, IT-W-ARCHIVED' in run.msg and run.data['missing'] == ['IT-W-NOPE', 'IT-W-ARCHIVED']
    assert next(w for w in run.data['workers'] if w['id'] == 'IT-W-ARCHIVED')['archived'] is True

    run = module.task(MODULE, {'workers': workers, 'fail_on_missing': False}, defaults=connection(emulator))
    assert not run.failed and run.data['found'] == ['IT-W-001'], run.msg


def test_empty_list_skips(emulator, module):
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, {'workers': []}, defaults=connection(emulator)))
    assert run.data['skipped'] is True and 'skipped' in run.msg, run.data  # what Ansible reports as status skipped
    assert (reads, writes) == (0, 0)


@pytest.mark.parametrize('path', ['/sap/bc/srt/scs/sap/querybusinessuserin', '/sap/bc/srt/scs_ext/sap/querybusinessuserin'])
def test_soap_path_variant(emulator, module, landscape, path):
    """The emulator answers on both paths SAP systems are seen with: the request must go where service_path says."""
    run = module.task(MODULE, {'workers': ['IT-W-002'], 'service_path': path}, defaults=connection(emulator), log=True)
    assert not run.failed and run.data['found'] == ['IT-W-002'], run.msg
    soap = [(r['method'], r['path'].split('?')[0]) for r in run.requests_log if 'querybusinessuserin' in r['path']]
    assert soap == [('POST', path)], soap


def test_business_partner_api(emulator, module, landscape):
    ada, grace = business_partner(emulator, 'IT-W-001'), business_partner(emulator, 'IT-W-003')
    run, reads, _writes = measure(emulator, lambda: module.task(
        MODULE, {'workers': [ada, grace, '0000000000'], 'api': 'business_partner', 'fail_on_missing': False},
        defaults=connection(emulator, 'IT_BP_READER')), [TENANT])
    assert not run.failed and not run.changed, run.msg
    assert run.data['found'] == [ada, grace] and run.data['missing'] == ['0000000000']
    assert reads == 1 and state_changes(emulator) == []

    run = module.task(MODULE, {'workers': [ada], 'api': 'business_partner', 'worker_roles': ['BBP005']},
                      defaults=connection(emulator, 'IT_BP_READER'))
    assert run.failed and 'with role BBP005' in run.msg, run.msg


@pytest.mark.parametrize('api,user,refusal', [
    # bound only to arrangements of other scenarios: S/4HANA Cloud refuses the service
    ('query_business_user', 'IT_BP_READER', ('HTTP 403', 'not the inbound user of a communication arrangement')),
    ('business_partner', 'IT_IPS_V1', ('HTTP 403', 'not the inbound user of a communication arrangement')),
    # bound to no arrangement at all: the logon page, as for a wrong password
    ('query_business_user', 'IT_NO_ARRANGEMENT', ('HTTP 401', 'Logon failed')),
])
def test_missing_arrangement_fails_cleanly(emulator, module, landscape, api, user, refusal):
    run = module.task(MODULE, {'workers': ['IT-W-001'], 'api': api}, defaults=connection(emulator, user))
    assert run.failed and all(part in run.msg for part in refusal), run.msg


def test_wrong_password_is_not_retried(emulator, module, landscape):
    wrong = connection(emulator, 'IT_IPS_LOCK', WRONG_PASSWORD)
    run, reads, _writes = measure(emulator, lambda: module.task(MODULE, {'workers': ['IT-W-001']}, defaults=wrong),
                                  [TENANT])
    assert run.failed and 'HTTP 401' in run.msg and 'Logon failed' in run.msg and 'not retried' in run.msg, run.msg
    assert reads == 1
    assert_no_secret(json.dumps(run.data), WRONG_PASSWORD, users=('IT_IPS_LOCK',))


def test_no_secret_in_verbose_output(emulator, ansible, landscape):
    """The module's ansible-playbook smoke run, with -vvv: a wrong password, then a query that finds its worker.
    The failing task comes first: Ansible quotes the playbook lines just above a failed task."""
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'wrong password', MODULE: {'workers': ['IT-W-001']}, 'ignore_errors': True,
         'module_defaults': {MODULE: connection(emulator, 'IT_IPS_LOCK', WRONG_PASSWORD)}},
        {'name': 'query', MODULE: {'workers': ['IT-W-001']}, 'module_defaults': {MODULE: connection(emulator)}}]}]
    run = ansible.playbook(play, verbosity=3)
    wrong, query = run.task('wrong password'), run.task('query')
    assert wrong['failed'] and 'HTTP 401' in wrong['result']['msg'] and 'not retried' in wrong['result']['msg']
    assert not query['failed'] and query['result']['found'] == ['IT-W-001'], query['result'].get('msg')
    assert_no_secret(run.output, WRONG_PASSWORD, users=('IT_IPS_LOCK',))
    assert_no_secret(run.output, COMM_PASSWORD, users=('IT_IPS_V1',))


def test_bad_input(emulator, module):
    run, reads, writes = measure(emulator, lambda: module.task(MODULE, {'workers': ['IT-W-001', ' ']},
                                                               defaults=connection(emulator)))
    assert run.failed and 'workers must not contain empty IDs' in run.msg
    assert (reads, writes) == (0, 0)


def test_check_mode_tolerates_a_caller_an_earlier_task_would_create(emulator, module, landscape):
    later = connection(emulator, 'IT_LATER_USER')
    run = module.task(MODULE, {'workers': ['IT-W-001']}, defaults=later, check=True)
    assert not run.failed and not run.changed, run.msg
    assert run.data['workers'] == [] and run.data['missing'] == []
    assert 'api_user' in ' '.join(run.data.get('warnings', [])) and 'HTTP 401' in ' '.join(run.data['warnings'])

    run = module.task(MODULE, {'workers': ['IT-W-001']}, defaults=later)
    assert run.failed and 'HTTP 401' in run.msg, run.msg
