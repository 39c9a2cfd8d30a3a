"""Shared pieces of the IPS/IDM integration tests: the emulated landscape behind a proxy system and connections.

The S/4HANA side lives on tenant s4_t3 (the S/4 tests use s4_t1/s4_t2). setup_landscape() is idempotent and
re-runs in every test, so it also undoes locks and resets made by earlier tests of other areas.
"""

import requests

from emulator.demo import DEMO

TENANT = 's4_t3'
COMM_PASSWORD = 'Ips-Comm-User-Passw0rd-2026!'
WRONG_PASSWORD = 'Wrong-Comm-User-Passw0rd-2026!'
# Communication users and what they may call: (user, system, scenarios).
COMM_USERS = (
    ('IT_IPS_V1', 'IT_IPS_V1_SYSTEM', ('SAP_COM_0093',)),
    ('IT_IPS_V3', 'IT_IPS_V3_SYSTEM', ('SAP_COM_0465',)),
    ('IT_IPS_LOCK', 'IT_IPS_LOCK_SYSTEM', ('SAP_COM_0193',)),
    ('IT_BP_READER', 'IT_BP_SYSTEM', ('SAP_COM_0008',)),
    ('IT_NO_ARRANGEMENT', None, ()),
)
WORKERS = [
    {'PersonExternalID': 'IT-W-001', 'FirstName': 'Ada', 'LastName': 'Lovelace', 'Email': 'ada@example.com',
     'User': {'UserName': 'IT_ADA', 'Roles': ['IT_ROLE_A', 'IT_ROLE_B']}},
    {'PersonExternalID': 'IT-W-002', 'FirstName': 'Alan', 'LastName': 'Turing', 'Email': 'alan@example.com',
     'User': {'UserName': 'IT_ALAN', 'Roles': ['IT_ROLE_A']}},
    {'PersonExternalID': 'IT-W-003', 'FirstName': 'Grace', 'LastName': 'Hopper', 'BusinessPartnerRoleCode': 'BBP005'},
    {'PersonExternalID': 'IT-W-ARCHIVED', 'LastName': 'Gone', 'MarkedForArchiving': True},
]
DESTINATION = 'IT_S4HC_IPS'
WRONG_DESTINATION = 'IT_S4HC_IPS_WRONG'
ADMIN_HOSTS = ('ips', 'ias', 'idm')


def setup_landscape(emulator):
    """Communication users/systems/arrangements and workers on s4_t3, the Neo destinations, IPS_PROXY_USER."""
    seed = {'users': [{'Name': user, 'Password': COMM_PASSWORD, 'Type': 'customer_communication',
                       'Description': 'IPS/IDM integration tests', 'LockStatus': 'not_locked'}
                      for user in [entry[0] for entry in COMM_USERS]],
            'systems': [{'ID': system, 'Name': system, 'IsInboundOnly': True, 'InboundUsers': [{'user': user}]}
                        for user, system, scenarios in COMM_USERS if system],
            'arrangements': [{'CommunicationScenarioID': scenario, 'CommunicationSystemID': system,
                              'Name': '%s_%s' % (system, scenario), 'inbound_user': user}
                             for user, system, scenarios in COMM_USERS for scenario in scenarios],
            'workers': WORKERS}
    emulator.seed(TENANT, seed)
    url = emulator.url(TENANT)
    emulator.seed('neo_configapi', {'destinations': {'subaccount:%s' % DEMO['neo_consumer_subaccount']: {
        DESTINATION: destination(DESTINATION, url, 'IT_IPS_V1', COMM_PASSWORD),
        WRONG_DESTINATION: destination(WRONG_DESTINATION, url, 'IT_IPS_LOCK', WRONG_PASSWORD)}}})
    assign_proxy_role(emulator, DEMO['neo_oauth_client_id'])


def destination(name, url, user, password):
    return {'Name': name, 'Type': 'HTTP', 'URL': url, 'ProxyType': 'Internet', 'Authentication': 'BasicAuthentication',
            'User': user, 'Password': password}


def platform_token(emulator):
    response = requests.post(emulator.url('neo_api') + '/oauth2/apitoken/v1', params={'grant_type': 'client_credentials'},
                             auth=(DEMO['neo_platform_client_id'], DEMO['neo_platform_client_secret']), timeout=30)
    response.raise_for_status()
    return response.json()['access_token']


def assign_proxy_role(emulator, client_id, assign=True):
    """Role IPS_PROXY_USER for oauth_client_<id>, through the Neo Authorization Management API (documented)."""
    url = emulator.url('neo_api') + '/authorization/v1/accounts/%s/apps/ipsproxy/roles/users' % DEMO['neo_consumer_subaccount']
    params = {'providerAccount': DEMO['neo_provider_subaccount'], 'roleName': 'IPS_PROXY_USER'}
    headers = {'Authorization': 'Bearer %s' % platform_token(emulator)}
    if assign:
        response = requests.put(url, params=params, headers=headers, timeout=30,
                                json={'users': [{'name': 'oauth_client_%s' % client_id}]})
    else:
        response = requests.delete(url, params=dict(params, users='oauth_client_%s' % client_id), headers=headers,
                                   timeout=30)
    response.raise_for_status()


def ips_admin(emulator, infrastructure='neo'):
    """module_defaults for ips_proxy_system with transport=api on the emulated IPS (neo) or IAS (sci) tenant."""
    host = 'ips' if infrastructure == 'neo' else 'ias'
    return {'transport': 'api', 'infrastructure': infrastructure, 'ips_admin_url': emulator.url(host),
            'ips_admin_user': DEMO['ips_admin_user'], 'ips_admin_password': DEMO['ips_admin_password'],
            'proxy_url': emulator.url(host)}


def proxy_caller(emulator, infrastructure='neo'):
    """module_defaults for ips_proxy_check: the Neo OAuth client or the IAS administrator of type System."""
    if infrastructure == 'neo':
        return {'infrastructure': 'neo', 'proxy_url': emulator.url('ips'),
                'token_url': emulator.url('neo_oauth') + '/oauth2/api/v1/token',
                'client_id': DEMO['neo_oauth_client_id'], 'client_secret': DEMO['neo_oauth_client_secret']}
    return {'infrastructure': 'sci', 'proxy_url': emulator.url('ias'), 'client_id': DEMO['ias_client_id'],
            'client_secret': DEMO['ias_client_secret']}


def idm_admin(emulator):
    return {'transport': 'api', 'idm_admin_url': emulator.url('idm'), 'idm_admin_user': DEMO['idm_admin_user'],
            'idm_admin_password': DEMO['idm_admin_password']}


def s4_admin(emulator):
    return {'api_url': emulator.url(TENANT), 'api_user': DEMO['s4_admin_user'], 'api_password': DEMO['s4_admin_password']}


def neo_system(name, **extra):
    """ips_proxy_system arguments of a destination-based Neo proxy system (SOAP, api version 1)."""
    args = {'name': name, 'description': 'integration test', 'destination_name': DESTINATION,
            'properties': {'s4hana.cloud.api.version': '1', 'ips.date.variable.format': 'yyyy-MM-dd'}}
    args.update(extra)
    return args


def sci_system(emulator, name, user='IT_IPS_V1', password=COMM_PASSWORD, version='1', **extra):
    """ips_proxy_system arguments of an SCI proxy system that carries URL, User and Password itself."""
    args = {'name': name, 'description': 'integration test', 'infrastructure': 'sci',
            'properties': {'URL': emulator.url(TENANT), 'User': user, 'Authentication': 'BasicAuthentication',
                           's4hana.cloud.api.version': version},
            'credential_properties': {'Password': password}}
    args.update(extra)
    return args


def admin_auth(host):
    if host == 'idm':
        return DEMO['idm_admin_user'], DEMO['idm_admin_password']
    return DEMO['ips_admin_user'], DEMO['ips_admin_password']


def ui(emulator, host, method, path, **kwargs):
    """The emulator-only stand-ins for the IPS/IDM admin consoles (import, credentials, export)."""
    response = requests.request(method, emulator.url(host) + path, auth=admin_auth(host), timeout=30, **kwargs)
    assert response.status_code < 300, response.text
    return response


def delete_systems(emulator, prefix):
    """Remove the test's proxy systems through the contract, so the tenants' system limit is never reached."""
    for host in ('ips', 'ias'):
        base = emulator.url(host) + '/sapcloud-identity/ips/v1/systems'
        found = requests.get(base, auth=admin_auth(host), timeout=30).json()['systems']
        for system in found:
            if system['name'].startswith(prefix):
                requests.delete('%s/%s' % (base, system['id']), auth=admin_auth(host), timeout=30)
