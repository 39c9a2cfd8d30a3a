"""The whole chain on both infrastructures: IPS proxy system -> documented proxy SCIM API -> emulated S/4HANA Cloud,
verified by sapcloud.identity.ips_proxy_check and loaded into IDM by sapcloud.identity.idm_repository. Each
failure names its hop (token, proxy, S/4 behind it) and why.
"""

import json

import pytest
import requests

from helpers import assert_no_secret, measure, unique
from ips_support import (
    COMM_PASSWORD, DEMO, TENANT, WRONG_DESTINATION, delete_systems, idm_admin, ips_admin, neo_system, proxy_caller,
    s4_admin, sci_system, setup_landscape, ui)

PROXY = 'sapcloud.identity.ips_proxy_system'
CHECK = 'sapcloud.identity.ips_proxy_check'
REPOSITORY = 'sapcloud.identity.idm_repository'
HOSTS = {'neo': 'ips', 'sci': 'ias'}
USERS = {'1': 'IT_IPS_V1', '3': 'IT_IPS_V3'}


def state_changing_requests(emulator):
    """Non-GET requests other than token requests and SOAP queries (POSTs that change nothing)."""
    harmless = ('/oauth2/api/v1/token', '/oauth2/token', '/querybusinessuserin')
    return ['%s %s' % (host, key) for host, stats in emulator.stats()['hosts'].items() for key in stats['paths']
            if not key.startswith('GET ') and not key.endswith(harmless)]


@pytest.fixture
def landscape(emulator):
    setup_landscape(emulator)
    yield
    delete_systems(emulator, 'IT ')


def make_system(emulator, runner, infrastructure, version='1', **extra):
    if infrastructure == 'neo':
        # The destination logs on as IT_IPS_V1; for version 3 a User property overrides it (the Properties tab wins).
        args = neo_system(unique('IT chain'))
        args['properties']['s4hana.cloud.api.version'] = version
        if version == '3':
            args['properties']['User'] = USERS[version]
    else:
        args = sci_system(emulator, unique('IT chain'), user=USERS[version], version=version)
    args.update(extra)
    run = runner.task(PROXY, args, defaults=ips_admin(emulator, infrastructure))
    assert run.changed and not run.failed, run.msg
    return run.data


def check(runner, emulator, infrastructure, system_id, comm_user=None, **kwargs):
    args = {'system_id': system_id}
    if comm_user:
        args.update(comm_user=comm_user, s4_connection=s4_admin(emulator))
    return runner.task(CHECK, args, defaults=proxy_caller(emulator, infrastructure), **kwargs)


@pytest.mark.parametrize('infrastructure,version', [('neo', '1'), ('neo', '3'), ('sci', '1'), ('sci', '3')])
def test_chain(emulator, module, landscape, infrastructure, version):
    system = make_system(emulator, module, infrastructure, version)
    system_id = system['system_id']

    emulator.reset_stats()
    run = check(module, emulator, infrastructure, system_id, USERS[version], check=True)
    assert not run.changed and not run.failed, run.msg
    assert state_changing_requests(emulator) == []
    assert [h['hop'] for h in run.data['hops']] == ['token', 'proxy', 'proxy', 's4'] and all(h['ok'] for h in run.data['hops'])
    assert run.data['users_total'] >= 2 and run.data['groups_total'] >= 2
    assert run.data['comm_user_status']['LockStatus'] == 'not_locked'
    assert run.data['scim_url'] == system['scim_url']

    if infrastructure == 'neo':
        proxy_system = {'system_id': system_id, 'infrastructure': 'neo', 'proxy_url': emulator.url('ips'),
                        'token_url': emulator.url('neo_oauth') + '/oauth2/api/v1/token'}
        client = (DEMO['neo_oauth_client_id'], DEMO['neo_oauth_client_secret'])
    else:
        proxy_system = {'system_id': system_id, 'infrastructure': 'sci', 'proxy_url': emulator.url('ias')}
        client = (DEMO['ias_client_id'], DEMO['ias_client_secret'])
    name = unique('IT_CHAIN')
    run = module.task(REPOSITORY, {'name': name, 'proxy_system': proxy_system, 'auth_user': client[0],
                                   'auth_password': client[1]}, defaults=idm_admin(emulator))
    assert run.changed and not run.failed, run.msg
    assert run.data['initial_load']['status'] == 'succeeded'
    store = emulator.state('idm')['identity_store'][name]
    assert {'IT_ADA', 'IT_ALAN'} <= set(store['users'])
    assert {'IT_ROLE_A', 'IT_ROLE_B'} <= set(store['groups'])


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_token_hop(emulator, module, landscape, infrastructure):
    system_id = make_system(emulator, module, infrastructure)['system_id']
    run, reads, writes = measure(emulator, lambda: module.task(
        CHECK, {'system_id': system_id, 'client_secret': 'Wrong-Client-Secret-99'},
        defaults=proxy_caller(emulator, infrastructure)), [HOSTS[infrastructure]])
    assert run.failed and run.msg.startswith('token hop failed'), run.msg
    assert 'refused the client credentials' in run.msg and 'HTTP 401' in run.msg
    assert [h['hop'] for h in run.data['hops']] == ['token'] and reads == (1 if infrastructure == 'sci' else 0)
    assert_no_secret(json.dumps(run.data), 'Wrong-Client-Secret-99',
                     users=(DEMO['neo_oauth_client_id'], DEMO['ias_client_id']))  # -vvv: test_check_output_has_no_secret


def test_proxy_hop_neo_role_missing(emulator, module, landscape):
    system_id = make_system(emulator, module, 'neo')['system_id']
    emulator.seed('neo_oauth', {'clients': {'it-no-role-client': {
        'secret': 'It-No-Role-Secret-1', 'subscription': '%s/ipsproxy' % DEMO['neo_provider_subaccount'],
        'account': DEMO['neo_consumer_subaccount']}}})
    run = module.task(CHECK, {'system_id': system_id, 'client_id': 'it-no-role-client',
                              'client_secret': 'It-No-Role-Secret-1'}, defaults=proxy_caller(emulator, 'neo'))
    assert run.failed and 'proxy hop failed' in run.msg, run.msg
    assert 'HTTP 403' in run.msg and 'assign role IPS_PROXY_USER of <provider>/ipsproxy to oauth_client_it-no-role-client' in run.msg


def test_proxy_hop_sci_permission_missing(emulator, module, landscape):
    system_id = make_system(emulator, module, 'sci')['system_id']
    emulator.seed('ias', {'system_admins': {'it-no-permission': {'secret': 'It-No-Permission-1', 'permissions': []}}})
    run = module.task(CHECK, {'system_id': system_id, 'client_id': 'it-no-permission',
                              'client_secret': 'It-No-Permission-1'}, defaults=proxy_caller(emulator, 'sci'))
    assert run.failed and 'proxy hop failed' in run.msg and '"Access Proxy System API"' in run.msg, run.msg


@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_proxy_hop_unknown_system(emulator, module, landscape, infrastructure):
    run = check(module, emulator, infrastructure, '00000000-0000-4000-8000-000000000000')
    assert run.failed and 'proxy hop failed' in run.msg and 'HTTP 404' in run.msg, run.msg
    assert 'check system_id and infrastructure' in run.msg


@pytest.mark.parametrize('user,refusal', [
    # bound only to an arrangement of another scenario (SAP_COM_0008): S/4HANA Cloud refuses the service
    ('IT_BP_READER', ('HTTP 403', 'not the inbound user of a communication arrangement')),
    # bound to no arrangement at all: the logon page, as for a wrong password
    ('IT_NO_ARRANGEMENT', ('HTTP 401', 'Logon failed')),
])
@pytest.mark.parametrize('infrastructure', ['neo', 'sci'])
def test_s4_hop_missing_arrangement(emulator, module, landscape, infrastructure, user, refusal):
    if infrastructure == 'neo':
        extra = {'properties': {'s4hana.cloud.api.version': '1', 'User': user}}
    else:
        extra = {'properties': {'URL': emulator.url(TENANT), 'User': user, 's4hana.cloud.api.version': '1'}}
    system_id = make_system(emulator, module, infrastructure, **extra)['system_id']
    run = check(module, emulator, infrastructure, system_id, user)
    assert run.failed and 's4 hop failed' in run.msg, run.msg
    assert all(part in run.msg for part in refusal), run.msg
    assert 'communication arrangement (SAP_COM_0193/SAP_COM_0093' in run.msg
    assert run.data['comm_user_status']['LockStatus'] == 'not_locked'


def test_s4_hop_wrong_password_then_locked(emulator, module, landscape):
    system_id = make_system(emulator, module, 'neo', destination_name=WRONG_DESTINATION)['system_id']
    run = check(module, emulator, 'neo', system_id, 'IT_IPS_LOCK')
    assert run.failed and 's4 hop failed' in run.msg and 'Logon failed' in run.msg, run.msg
    assert [h["ok"] for h in run.data["hops"]] == [True, False, False, True], run.msg
    # Two failed logons so far (Users, Groups); the third locks the user, as S/4HANA Cloud does.
    run = check(module, emulator, 'neo', system_id, 'IT_IPS_LOCK')
    assert run.failed and 'it is locked (LockStatus locked_by_system)' in run.msg, run.msg
    assert run.data['comm_user_status']['LockStatus'] == 'locked_by_system'
    assert_no_secret(json.dumps(run.data), COMM_PASSWORD, DEMO['s4_admin_password'])


def test_s4_hop_missing_destination(emulator, module, landscape):
    system_id = make_system(emulator, module, 'neo', destination_name='IT_NOT_THERE')['system_id']
    run = check(module, emulator, 'neo', system_id)
    assert run.failed and 'Destination IT_NOT_THERE not found' in run.msg, run.msg


def test_unknown_comm_user(emulator, module, landscape):
    system_id = make_system(emulator, module, 'sci')['system_id']
    run = check(module, emulator, 'sci', system_id, 'IT_NOBODY')
    assert run.failed and 's4 hop failed at communication user IT_NOBODY: not found' in run.msg, run.msg


@pytest.mark.parametrize('args,defaults,message', [
    ({'token_url': None}, 'neo', 'token_url is required with infrastructure=neo'),
    ({'comm_user': 'X'}, 'sci', 's4_connection is required with comm_user'),
    ({'proxy_url': 'ias.example.com'}, 'sci', 'proxy_url must be a full base URL'),
    ({'client_secret': None}, 'sci', 'client_secret is required unless client_cert and client_key are given'),
    ({'system_id': ''}, 'neo', 'system_id must be the ID of a proxy system'),
    ({'system_id': None}, 'sci', 'system_id must be the ID of a proxy system'),
    ({'system_id': 'a/b'}, 'sci', 'system_id must be the ID of a proxy system'),
])
def test_check_bad_input(emulator, module, args, defaults, message):
    run, reads, writes = measure(emulator, lambda: module.task(
        CHECK, dict({'system_id': '00000000-0000-4000-8000-000000000000'}, **args),
        defaults=proxy_caller(emulator, defaults)))
    assert run.failed and message in run.msg, run.msg
    assert (reads, writes) == (0, 0)


def test_check_output_has_no_secret(emulator, module, ansible, landscape):
    """The module's ansible-playbook smoke run, with -vvv: a check through the whole chain, and the token hop refused
    on both infrastructures. The secrets come from play vars written after the tasks: Ansible quotes the playbook
    lines just above a failed task, and those must not be where a secret is written."""
    neo = make_system(emulator, module, 'neo')['system_id']
    sci = make_system(emulator, module, 'sci')['system_id']
    secrets = {'neo': DEMO['neo_oauth_client_secret'], 'sci': DEMO['ias_client_secret'], 'wrong': 'Wrong-Client-Secret-99',
               's4': DEMO['s4_admin_password']}

    def caller(infrastructure, secret):
        return dict(proxy_caller(emulator, infrastructure), client_secret='{{ secrets.%s }}' % secret)

    s4_connection = dict(s4_admin(emulator), api_password='{{ secrets.s4 }}')
    tasks = [{'name': 'check', CHECK: {'system_id': neo, 'comm_user': 'IT_IPS_V1', 's4_connection': s4_connection},
              'module_defaults': {CHECK: caller('neo', 'neo')}}]
    for infrastructure, system_id in (('neo', neo), ('sci', sci)):
        tasks.append({'name': 'wrong secret ' + infrastructure, CHECK: {'system_id': system_id},
                      'module_defaults': {CHECK: caller(infrastructure, 'wrong')}, 'ignore_errors': True})
    play = {'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks, 'vars': {'secrets': secrets}}
    run = ansible.playbook([play], verbosity=3)
    assert not run.task('check')['failed'], run.task('check')['result'].get('msg')
    for infrastructure in ('neo', 'sci'):
        refused = run.task('wrong secret ' + infrastructure)
        assert refused['failed'] and refused['result']['msg'].startswith('token hop failed'), refused['result']
    assert_no_secret(run.output, DEMO['neo_oauth_client_secret'], DEMO['s4_admin_password'],
                     users=(DEMO['neo_oauth_client_id'], DEMO['s4_admin_user']))
    assert_no_secret(run.output, 'Wrong-Client-Secret-99', users=(DEMO['neo_oauth_client_id'], DEMO['ias_client_id']))


def test_file_hand_off_chain(emulator, module, landscape, tmp_path):
    """Both file transports end to end: import JSON, note the new id, write the CSV, import it, Run now."""
    args = neo_system(unique('IT hand-off'))
    dest = str(tmp_path / 'proxy.json')
    run = module.task(PROXY, dict(args, transport='file', dest=dest))
    assert run.changed and 'new ID' in run.data['next_step']
    system_id = ui(emulator, 'ips', 'POST', '/emulator-ui/ips/import', data=open(dest, 'rb').read()).json()['id']

    run = module.task(PROXY, dict(args, transport='file', dest=dest, system_id=system_id, proxy_url=emulator.url('ips')))
    assert not run.changed
    assert run.data['scim_url'] == emulator.url('ips') + '/ipsproxy/api/v1/scim/' + system_id
    assert not check(module, emulator, 'neo', system_id).failed

    csv_path = str(tmp_path / 'repo.csv')
    name = unique('IT_HAND_OFF')
    run = module.task(REPOSITORY, {
        'name': name, 'transport': 'file', 'dest': csv_path, 'auth_user': DEMO['neo_oauth_client_id'],
        'auth_password': DEMO['neo_oauth_client_secret'],
        'proxy_system': {'system_id': system_id, 'proxy_url': emulator.url('ips'),
                         'token_url': emulator.url('neo_oauth') + '/oauth2/api/v1/token'}})
    assert run.changed and 'Run now' in run.data['next_step']
    repo = ui(emulator, 'idm', 'POST', '/emulator-ui/idm/import', data=open(csv_path, 'rb').read()).json()
    job = ui(emulator, 'idm', 'POST', '/sapcloud-identity/idm/v1/repositories/%s/initial-load' % repo['id']).json()
    run = module.task(REPOSITORY, {'name': name, 'initial_load': 'once', 'auth_user': DEMO['neo_oauth_client_id'],
                                   'auth_password': DEMO['neo_oauth_client_secret'],
                                   'proxy_system': {'system_id': system_id, 'proxy_url': emulator.url('ips'),
                                                    'token_url': emulator.url('neo_oauth') + '/oauth2/api/v1/token'}},
                      defaults=idm_admin(emulator))
    assert not run.failed and run.data['initial_load']['id'] == job['id'], run.msg
    assert run.data['initial_load']['status'] == 'succeeded'
    assert not run.changed  # the imported CSV gave the repository the module would have made


@pytest.mark.parametrize('version', ['1', '3'])
def test_proxy_scim_paging_filter_and_group_members(emulator, module, landscape, version):
    """The documented proxy SCIM API as IDM uses it: paging, `eq` filters, PATCH of group members."""
    system_id = make_system(emulator, module, 'neo', version)['system_id']
    token = requests.post(emulator.url('neo_oauth') + '/oauth2/api/v1/token', params={'grant_type': 'client_credentials'},
                          auth=(DEMO['neo_oauth_client_id'], DEMO['neo_oauth_client_secret']), timeout=30).json()
    headers = {'Authorization': 'Bearer %s' % token['access_token']}
    base = emulator.url('ips') + '/ipsproxy/api/v1/scim/' + system_id

    def get(path, **params):
        response = requests.get(base + path, params=params, headers=headers, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    first = get('/Users', startIndex=1, count=1)
    assert first['itemsPerPage'] == 1 and first['totalResults'] >= 2
    second = get('/Users', startIndex=2, count=1)
    assert second['Resources'][0]['id'] != first['Resources'][0]['id']
    ada = get('/Users', filter='userName eq "IT_ADA"')
    assert ada['totalResults'] == 1 and ada['Resources'][0]['externalId'] == 'IT-W-001'
    bad = requests.get(base + '/Users', params={'filter': 'userName co "IT"'}, headers=headers, timeout=30)
    assert bad.status_code == 400 and bad.json()['scimType'] == 'invalidFilter'

    group = 'IT_ROLE_A' if version == '1' else 'BROL_IT_ROLE_A'
    alan = get('/Users', filter='userName eq "IT_ALAN"')['Resources'][0]['id']
    for op, expected in (('remove', False), ('add', True)):
        response = requests.patch(base + '/Groups/' + group, headers=headers, timeout=30, json={
            'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
            'Operations': [{'op': op, 'path': 'members', 'value': [{'type': 'User', 'value': alan}]}]})
        assert response.status_code == 204, response.text
        roles = emulator.state(TENANT)['business']['workers']['IT-W-002']['User']['Roles']
        assert ('IT_ROLE_A' in roles) is expected
