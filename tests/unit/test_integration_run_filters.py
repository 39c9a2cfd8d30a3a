"""The playbooks' derivations that were Jinja in playbooks/vars/integration.yml: the failure a rescue notes (also for
a task run once for every tenant), the preflight's values and rows for each transport and failure, whether the
tenant preflight is due, and the names of the settings behind module options."""

import os

import pytest
import yaml

from ansible_collections.sapcloud.identity.plugins.filter.integration import integration_plan
from ansible_collections.sapcloud.identity.plugins.filter.integration_failure import integration_failure
from ansible_collections.sapcloud.identity.plugins.filter.preflight_plan import (
    integration_preflight_due, integration_preflight_facts, integration_preflight_shared,
    integration_preflight_values)
from ansible_collections.sapcloud.identity.plugins.filter.summary import preflight_stops

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
with open(os.path.join(REPO, 'playbooks', 'vars', 'profiles.yml')) as handle:
    PROFILES = yaml.safe_load(handle)['integration_profiles']
NEO = {'sapcloud_s4_api_url': 'https://my1-api.s4hana.cloud.sap', 'sapcloud_neo_landscape_host': 'eu2.hana.ondemand.com',
       'sapcloud_neo_consumer_subaccount': 'idmconsumer', 'sapcloud_neo_provider_subaccount': 'ipsprovider'}


def plan(**variables):
    return integration_plan(dict(NEO, **variables), 's4_t1', PROFILES, env={})


def test_setting_names_follow_the_infrastructure():
    neo = plan()['setting_names']
    assert neo['api_url'] == 'sapcloud_s4_api_url (SAP_S4_API_URL)'
    assert neo['sap_client'] == 'sapcloud_s4_sap_client (SAP_S4_CLIENT)'
    assert neo['client_id'] == 'sapcloud_neo_oauth_client_id (SAP_IPS_CLIENT_ID)'
    assert neo['platform_client_secret'] == 'sapcloud_neo_platform_client_secret (SAP_NEO_PLATFORM_CLIENT_SECRET)'
    assert neo['profile'] == 'sapcloud_profile' and 'token_url' not in neo
    sci = plan(sapcloud_infrastructure='sci')['setting_names']
    assert sci['client_id'] == 'sapcloud_ias_client_id (SAP_IPS_CLIENT_ID)'
    assert sci['client_secret'] == 'sapcloud_ias_client_secret (SAP_IPS_CLIENT_SECRET)'
    assert sci['token_url'] == 'sapcloud_ias_url (SAP_IAS_URL)' and 'landscape_host' not in sci


def test_preflight_values_are_what_the_run_sends():
    rows = dict((r['property'], r) for r in integration_preflight_values(plan(sapcloud_comm_system_id='IPS_X')))
    assert rows['CommunicationUsers.Name'] == {'property': 'CommunicationUsers.Name', 'value': 'IDM_IPS_PROXY_A',
                                               'setting': 'sapcloud_comm_user_name', 'base': 'IDM_IPS_PROXY'}
    # The role's default description, from its argument spec; the inventory's wins.
    assert rows['CommunicationUsers.Description']['value'] == 'SAP Identity Provisioning proxy for SAP Identity Management'
    assert rows['CommunicationSystems.HostName']['value'] == 'ipsproxyipsprovider-idmconsumer.eu2.hana.ondemand.com'
    assert rows['CommunicationArrangements.Name']['value'] == 'IPS_X_SAP_COM_0093'
    assert rows['CommunicationSystems.ID']['value'] == rows['CommunicationSystems.Name']['value'] == 'IPS_X'
    rows = integration_preflight_values(plan(sapcloud_profile='api_v3'), 'mine')
    api_v3 = dict((r['property'], r['value']) for r in rows)
    assert api_v3['CommunicationArrangements.Name'] == 'IPS_PROXY_SAP_COM_0465'
    assert api_v3['CommunicationUsers.Description'] == 'mine'


S4_FACTS = [{'fact': 'logon', 'expected': 'ok', 'found': 'ok', 'verdict': 'confirmed', 'set': ''}]


@pytest.mark.parametrize('transport', ['file', 'api'])
def test_preflight_rows_of_each_transport(transport):
    p = plan(sapcloud_ips_transport=transport, sapcloud_idm_transport=transport)
    facts = integration_preflight_facts(p, {'facts': S4_FACTS}, {'changed': False}, {'skipped': True})
    assert facts[0] == S4_FACTS[0] and len(facts) == 3
    ips, idm = facts[1], facts[2]
    assert (ips['fact'], idm['fact']) == ('IPS transport ' + transport, 'IDM transport ' + transport)
    assert ips['verdict'] == idm['verdict'] == 'confirmed' and ips['set'] == idm['set'] == ''
    assert ips['found'] == ('no request needed' if transport == 'file' else 'answered')


def test_preflight_rows_when_a_check_fails():
    p = plan(sapcloud_ips_transport='api', sapcloud_idm_transport='file')
    s4 = {'failed': True, 'msg': 'logon failed'}
    ips = {'failed': True, 'msg': 'HTTP 404'}
    idm = {'failed': True, 'msg': 'never asked'}  # the file transport sends nothing, whatever a result says
    facts = integration_preflight_facts(p, s4, ips, idm)
    assert facts[0] == {'fact': 'S/4HANA Cloud preflight ran', 'expected': 'a table of facts', 'verdict': 'unknown',
                        'found': 'logon failed', 'set': 'fix this and run preflight again'}
    assert facts[1]['verdict'] == 'different' and facts[1]['found'] == 'HTTP 404'
    assert facts[1]['set'] == 'sapcloud_ips_transport: file (real IPS has no API for proxy systems)'
    assert facts[2]['verdict'] == 'confirmed' and facts[2]['fact'] == 'IDM transport file'
    # A transport that differs stops the run; a preflight that could not run is unknown here.
    assert [f['fact'] for f in preflight_stops(facts)] == ['IPS transport api']


def test_preflight_shared_rows():
    neo = {'facts': [{'fact': 'role', 'verdict': 'confirmed'}]}
    assert integration_preflight_shared(neo, {'skipped': True}) == neo['facts']
    rows = integration_preflight_shared({'failed': True, 'msg': 'token 401'}, {'failed': True})
    assert [(r['fact'], r['found'], r['verdict']) for r in rows] == [
        ('SAP BTP, Neo preflight ran', 'token 401', 'unknown'),
        ('SAP Cloud Identity Services preflight ran', '', 'unknown')]
    assert integration_preflight_shared({}, {}) == []


@pytest.mark.parametrize('mode,users,due', [
    ('first', [], True), ('first', ['IDM_IPS_PROXY_A'], False), ('always', ['IDM_IPS_PROXY_A'], True),
    ('never', [], False)])
def test_preflight_due(mode, users, due):
    assert integration_preflight_due(plan(sapcloud_preflight=mode), users) is due


TASK = {'name': 'Verify the OAuth client and give it its roles'}
RESULT = {'msg': 'GET /roles failed (HTTP 403): check client id and secret'}


def test_a_failure_names_the_task_and_the_settings_behind_its_message():
    failure = integration_failure(plan(), TASK, RESULT, ['s4_t1'], {'s4_t1': {}})
    assert failure['task'] == TASK['name']
    assert failure['message'] == RESULT['msg'] + (' In your settings: sapcloud_neo_oauth_client_id (SAP_IPS_CLIENT_ID),'
                                                  ' sapcloud_neo_oauth_client_secret (SAP_IPS_CLIENT_SECRET).')


def test_a_task_run_once_is_named_for_every_tenant():
    hostvars = {'s4_t1': {}, 's4_t2': {'ansible_failed_task': TASK, 'ansible_failed_result': RESULT},
                's4_t3': {'ansible_failed_task': {'name': 'later'}}}
    failure = integration_failure(plan(), {}, {}, ['s4_t1', 's4_t2', 's4_t3'], hostvars)
    assert failure['task'] == TASK['name'] + ' (run once for every tenant, with s4_t2)'
    assert failure['message'].startswith(RESULT['msg'])
    # The tenant the task ran for keeps its own name.
    assert integration_failure(plan(), TASK, RESULT, ['s4_t2'], hostvars)['task'] == TASK['name']


def test_a_failure_without_a_known_task():
    failure = integration_failure(plan(), {}, {}, ['s4_t1'], {'s4_t1': {}})
    assert failure == {'task': 'unknown task', 'message': 'see the output above'}


def test_role_inputs_that_depend_on_the_authentication():
    from ansible_collections.sapcloud.identity.plugins.filter.integration import (
        integration_logon_user, integration_worker_connection)
    basic = plan(sapcloud_s4_api_user='ADMIN', sapcloud_s4_api_password='pw', sapcloud_s4_sap_client='100')
    assert basic['s4_authentication_type'] == 'BasicAuthentication' and basic['comm_user_certificate'] == ''
    assert basic['worker_check_api'] == 'query_business_user' and basic['certificate_expiry_days'] == 30
    assert basic['destination_properties'] == {'sap-client': '100'}
    assert plan()['destination_properties'] == {}
    assert integration_logon_user(basic, 'IDM_IPS_PROXY_B') == 'IDM_IPS_PROXY_B'
    assert integration_worker_connection(basic, 'IDM_IPS_PROXY_B', 'secret') == {
        'api_url': NEO['sapcloud_s4_api_url'], 'sap_client': '100', 'api_user': 'IDM_IPS_PROXY_B',
        'api_password': 'secret'}
    certificate = plan(sapcloud_ips_s4_authentication='certificate', sapcloud_ips_certificate_file='/x/ips.pem',
                       sapcloud_s4_api_client_cert='/x/c.pem', sapcloud_s4_api_client_key='/x/k.pem',
                       sapcloud_certificate_expiry_days=10)
    assert certificate['s4_authentication_type'] == 'ClientCertificateAuthentication'
    assert certificate['comm_user_certificate'] == '/x/ips.pem' and certificate['certificate_expiry_days'] == 10
    assert certificate['worker_check_api'] == 'none' and integration_logon_user(certificate, 'IDM_IPS_PROXY_A') == ''
    # The bootstrap user's certificate is not the communication user's.
    assert integration_worker_connection(certificate, 'IDM_IPS_PROXY_A') == {
        'api_url': NEO['sapcloud_s4_api_url'], 'api_user': 'IDM_IPS_PROXY_A', 'api_password': ''}


def test_the_user_is_ready_unless_check_mode_would_create_it():
    from ansible_collections.sapcloud.identity.plugins.filter.integration import integration_user_ready
    assert integration_user_ready(False, [{'changed': True}])
    assert integration_user_ready(True, [{'changed': False}, {}])
    assert not integration_user_ready(True, [{'changed': False}, {'changed': True}])
