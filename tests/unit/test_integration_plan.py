"""The playbooks' derivations (plugins/filter/integration.py): names, URLs, profile merge, retired scenarios, the
inputs still missing, the values of the summary. The built-in profiles are read from playbooks/vars/profiles.yml."""

import os

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.sapcloud.identity.plugins.filter.integration import (
    integration_entries, integration_ips_system_id, integration_manual, integration_plan, integration_values)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
with open(os.path.join(REPO, 'playbooks', 'vars', 'profiles.yml')) as handle:
    PROFILES = yaml.safe_load(handle)['integration_profiles']

NEO = {'sapcloud_s4_api_url': 'https://my1-api.s4hana.cloud.sap', 'sapcloud_s4_api_user': 'ADMIN',
       'sapcloud_s4_api_password': 'pw', 'sapcloud_neo_landscape_host': 'eu2.hana.ondemand.com',
       'sapcloud_neo_consumer_subaccount': 'idmconsumer', 'sapcloud_neo_provider_subaccount': 'ipsprovider',
       'sapcloud_neo_platform_client_id': 'p', 'sapcloud_neo_platform_client_secret': 'ps',
       'sapcloud_neo_oauth_client_id': 'idm-client', 'sapcloud_neo_oauth_client_secret': 'cs'}


def plan(env=None, **variables):
    return integration_plan(dict(NEO, **variables), 's4_t1', PROFILES, env=env or {})


def test_names_and_urls_on_neo():
    p = plan()
    assert (p['tenant'], p['profile'], p['infrastructure']) == ('s4_t1', 'guide', 'neo')
    assert p['destination_name'] == p['idm_repository_name'] == 'S4HC_S4_T1'
    assert p['ips_system_name'] == 'S4HANA Cloud s4_t1'
    assert (p['comm_user_base'], p['comm_system_id']) == ('IDM_IPS_PROXY', 'IPS_PROXY')
    assert p['proxy_url'] == 'https://ipsproxyipsprovider-idmconsumer.eu2.hana.ondemand.com'
    assert p['proxy_host'] == 'ipsproxyipsprovider-idmconsumer.eu2.hana.ondemand.com'
    assert p['token_url'] == 'https://oauthasservices-idmconsumer.eu2.hana.ondemand.com/oauth2/api/v1/token'
    assert p['s4_roles_url'] == 'https://my1.s4hana.cloud.sap'
    assert p['s4'] == {'api_url': NEO['sapcloud_s4_api_url'], 'api_user': 'ADMIN', 'api_password': 'pw'}
    assert p['neo'] == {'landscape_host': 'eu2.hana.ondemand.com', 'subaccount': 'idmconsumer',
                        'platform_client_id': 'p', 'platform_client_secret': 'ps'}
    assert (p['client_id'], p['client_secret']) == ('idm-client', 'cs')
    assert p['secrets_dir'] == os.path.realpath('secrets') + '/s4_t1'
    assert p['ips_file'] == os.path.realpath('output') + '/s4_t1/ips-proxy-system.json'
    # Given URLs win; an OAuth host given leads to its token path.
    given = plan(sapcloud_neo_oauth_url='https://oauth.example.test', sapcloud_ips_proxy_url='https://p.example.test')
    assert given['token_url'] == 'https://oauth.example.test/oauth2/api/v1/token'
    assert given['proxy_url'] == 'https://p.example.test' and given['proxy_host'] == 'p.example.test'
    with pytest.raises(AnsibleFilterError, match='landscape_host'):
        plan(sapcloud_neo_landscape_host='eu2.hana.ondemand.com/x')


def test_sci_and_environment_fallbacks():
    p = integration_plan({'sapcloud_infrastructure': 'sci', 'sapcloud_tenant': 'acme', 'sapcloud_ias_client_id': ''},
                         'host1', PROFILES,
                         env={'SAP_IAS_URL': 'https://t.accounts.ondemand.com', 'SAP_IPS_CLIENT_ID': 'env-id',
                              'SAP_S4_API_URL': 'https://x-api.example.test'})
    assert p['tenant'] == 'acme' and p['destination_name'] == 'S4HC_ACME'
    assert p['proxy_url'] == 'https://t.accounts.ondemand.com'
    assert p['token_url'] == 'https://t.accounts.ondemand.com/oauth2/token'
    assert p['client_id'] == 'env-id' and p['s4'] == {'api_url': 'https://x-api.example.test'}
    assert [m['var'] for m in p['inputs_missing']] == [
        'sapcloud_s4_api_user', 'sapcloud_s4_api_password', 'sapcloud_ias_client_secret']
    assert not any('Neo' in step for step in integration_manual(p))


def test_missing_inputs_follow_the_steps_that_run():
    assert plan()['inputs_missing'] == [] and plan()['problems'] == []
    api = plan(sapcloud_ips_transport='api', sapcloud_neo_oauth_client_secret='')
    assert [m['var'] for m in api['inputs_missing']] == [
        'sapcloud_neo_oauth_client_secret', 'sapcloud_ips_admin_url', 'sapcloud_ips_admin_user',
        'sapcloud_ips_admin_password']
    assert api['problems'] == [
        'Missing for s4_t1 (neo, IPS transport api, IDM transport file): sapcloud_neo_oauth_client_secret (or '
        'environment variable SAP_IPS_CLIENT_SECRET), sapcloud_ips_admin_url (or environment variable '
        'SAP_IPS_ADMIN_URL), sapcloud_ips_admin_user (or environment variable SAP_IPS_ADMIN_USER), '
        'sapcloud_ips_admin_password (or environment variable SAP_IPS_ADMIN_PASSWORD). Set each variable in the '
        'inventory or its environment variable (docs/runbook.md lists them); nothing was requested yet.']
    assert plan(sapcloud_preflight='sometimes', sapcloud_ips_transport='ftp')['problems'] == [
        'sapcloud_ips_transport must be one of: api, file, got: ftp.',
        'sapcloud_preflight must be one of: first, always, never, got: sometimes.']
    assert plan(env={'SAP_IPS_CLIENT_SECRET': 'x'}, sapcloud_neo_oauth_client_secret='')['inputs_missing'] == []


def test_profiles_properties_and_retired_scenarios():
    guide = plan()
    assert [s['id'] for s in guide['scenarios']] == ['SAP_COM_0093', 'SAP_COM_0066']
    assert guide['all_scenarios'] == ['SAP_COM_0066', 'SAP_COM_0093', 'SAP_COM_0193', 'SAP_COM_0465']
    props = guide['ips_properties']
    assert props['s4hana.cloud.roles.url'] == 'https://my1.s4hana.cloud.sap'
    assert props['s4hana.cloud.sap-client'] == '100' and props['s4hana.cloud.hr.switch.active'] == 'true'
    # The other profiles' properties are removed (None).
    assert props['s4hana.cloud.api.version'] is None and props['s4hana.cloud.skip.read.archived'] is None
    renamed = plan(sapcloud_guide_client_property='s4hana.cloud.client', sapcloud_hr_switch=False)['ips_properties']
    assert renamed['s4hana.cloud.client'] == '100' and renamed['s4hana.cloud.sap-client'] is None
    assert renamed['s4hana.cloud.hr.switch.active'] == 'false'
    v3 = plan(sapcloud_profile='api_v3')
    assert v3['ips_properties']['s4hana.cloud.api.version'] == '3' and v3['worker_check_api'] == 'none'
    assert v3['ips_properties']['s4hana.cloud.roles.url'] is None
    assert v3['preflight_alternatives']['api_v1'] == ['SAP_COM_0193']


def test_an_inventory_changes_a_profile_and_adds_one():
    p = plan(sapcloud_profile='mine', sapcloud_profiles={
        'api_v1': {'ips_properties': {'s4hana.cloud.skip.read.archived': 'false'}},
        'mine': {'scenarios': [{'id': 'YY1_IDM', 'outbound': False}], 'ips_properties': {'x.y': True},
                 'worker_check_api': 'none'}})
    assert p['ips_properties']['x.y'] == 'true' and p['scenarios'] == [{'id': 'YY1_IDM', 'outbound': False}]
    assert 'YY1_IDM' in p['all_scenarios'] and p['problems'] == []
    assert plan(sapcloud_profile='api_v2')['problems'] == [
        'sapcloud_profile must be one of: guide, api_v1, api_v3, got: api_v2.']
    v1 = plan(sapcloud_profile='api_v1', sapcloud_profiles={
        'api_v1': {'ips_properties': {'s4hana.cloud.skip.read.archived': 'false'}}})
    # One key changed, the others kept.
    assert v1['ips_properties']['s4hana.cloud.skip.read.archived'] == 'false'
    assert v1['ips_properties']['s4hana.cloud.api.version'] == '1'
    with pytest.raises(AnsibleFilterError, match='unknown value'):
        plan(sapcloud_profiles={'guide': {'ips_properties': {'a': '{nothing}'}}})


def test_system_id_and_values():
    p = plan(sapcloud_ips_transport='api')
    assert integration_ips_system_id(p, {'system_id': 'S1'}) == 'S1'
    assert integration_ips_system_id(p, {}, 'GIVEN') == 'GIVEN'
    assert integration_ips_system_id(p, {}, '', True) == '(new system)'
    assert integration_ips_system_id(plan(), {}, '', True) == ''
    values = integration_values(p, {'s4_communication': {'user_name': 'IDM_IPS_PROXY_A', 'user_id': 'CC1',
                                                         'system_uuid': 'U1'},
                                    'ips_proxy_system': {'scim_url': 'https://scim'}}, '(new system)', 'X')
    assert values['communication user'] == 'IDM_IPS_PROXY_A (CC1)'
    assert values['communication system'] == 'IPS_PROXY (U1)'
    assert values['password file of the communication user'] == ''  # not on disk
    assert values['IPS proxy system ID'] == '' and values['proxy SCIM URL'] == 'https://scim'
    assert values['token URL (OAUTH_URL)'] == p['token_url'] and values['Neo destination'] == 'S4HC_S4_T1'
    assert integration_values(p, {}, 'S1', 'IDM_IPS_PROXY_B')['communication user'] == 'IDM_IPS_PROXY_B'


def test_choices_come_from_the_roles_argument_specs():
    with open(os.path.join(REPO, 'roles', 'idm_repository', 'meta', 'argument_specs.yml')) as handle:
        spec = yaml.safe_load(handle)['argument_specs']['main']['options']
    problem = plan(sapcloud_idm_initial_load='sometimes')['problems']
    assert problem == ['sapcloud_idm_initial_load must be one of: %s, got: sometimes.'
                       % ', '.join(spec['idm_repository_initial_load']['choices'])]


def test_file_hand_off_entries():
    files = plan(sapcloud_ips_transport='file', sapcloud_idm_transport='file')
    ips = {'system': 'SAP Identity Provisioning', 'object': 'proxy system (file)', 'changed': False,
           'next_step': 'Import it.'}
    idm = {'system': 'SAP Identity Management', 'object': 'SCIM repository (file)', 'changed': False,
           'next_step': 'Import the CSV.'}
    # Before the admin's IPS import: the IDM step waits for the ID.
    waiting = integration_entries(files, [ips], '', '', False, 's4_t1')
    assert [e.get('outcome') for e in waiting] == [None, 'waiting']
    assert 'set sapcloud_ips_system_id for s4_t1' in waiting[1]['next_step']
    # The admin gave the ID and the IDM step ran: the IPS step is closed, the IDM one says how to close it.
    given = integration_entries(files, [ips, idm], 'ID1', 'ID1', False, 's4_t1')
    assert given[0]['next_step'] == '' and 'sapcloud_ips_system_id is ID1' in given[0]['closed']
    assert given[1]['next_step'].endswith('closes the step in the summary.') and len(given) == 2
    done = integration_entries(files, [ips, idm], 'ID1', 'ID1', 'true', 's4_t1')
    assert done[1]['next_step'] == '' and 'sapcloud_idm_repository_imported' in done[1]['closed']
    # api transports: nothing waits, nothing closes.
    assert integration_entries(plan(), [dict(ips, object='proxy system (api)')], '', '', False, 'h') == [
        dict(ips, object='proxy system (api)')]


def test_manual_steps_and_the_password_file_on_disk(tmp_path):
    p = plan(sapcloud_secrets_dir=str(tmp_path))
    unverified, verified = integration_manual(p), integration_manual(p, True)
    assert unverified[2].endswith('not verified by this run.') and 'idm-client registered for ipsprovider' in verified[2]
    assert verified[2].endswith('(requested now or cached earlier).') and len(verified) == 5  # both file transports
    (tmp_path / 's4_t1').mkdir()
    (tmp_path / 's4_t1' / 'IDM_IPS_PROXY_A').write_text('x')
    values = integration_values(p, {}, '', 'IDM_IPS_PROXY_A')
    assert values['password file of the communication user'] == str(tmp_path / 's4_t1' / 'IDM_IPS_PROXY_A')
