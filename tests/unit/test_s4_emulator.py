"""The emulated S/4HANA Cloud tenant (tests/emulator/services/s4.py), in-process, plus S4Client against it."""

import os
import sys

import pytest
import requests

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))

# The collection is importable through the finder tests/unit/conftest.py installs.
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError  # noqa: E402
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import S4Client  # noqa: E402
from emulator.demo import DEMO  # noqa: E402
from emulator.services.s4 import CA, CS, CU  # noqa: E402

ADMIN = (DEMO['s4_admin_user'], DEMO['s4_admin_password'])
PASSWORD = 'Emulator-Unit-Test-Passw0rd!'


@pytest.fixture
def tenant(running):
    """The tenant back to its demo seed, without faults."""
    service = running.services['s4']
    service.reset()
    service.seed(service.demo_seed())
    running.faults.clear()
    running.stats.reset()
    return running, service


class Session:
    """requests.Session with Basic auth, the CSRF token of the first GET, and the tenant URL."""

    def __init__(self, service, auth=ADMIN):
        self.url = service.url
        self.http = requests.Session()
        self.http.auth = auth
        self.token = None

    def get(self, path, **params):
        response = self.http.get(self.url + path, params=params, headers={} if self.token else {'X-CSRF-Token': 'Fetch'})
        self.token = self.token or response.headers.get('x-csrf-token')
        return response

    def write(self, method, path, body=None, **headers):
        if self.token is None:
            self.get(CU + '/')
        return self.http.request(method, self.url + path, json=body, headers=dict({'X-CSRF-Token': self.token}, **headers))


def error_code(response):
    return response.json()['error']['code']


def new_user(session, name):
    response = session.write('POST', CU + '/CommunicationUsers',
                             {'Name': name, 'Type': 'customer_communication', 'Description': 'd', 'Password': PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()


def new_system(session, system_id, **fields):
    body = dict({'ID': system_id, 'HostName': 'h.example.com'}, **fields)
    response = session.write('POST', CS + '/CommunicationSystems', body)
    assert response.status_code == 201, response.text
    return response.json()


def test_service_documents_and_missing_entities(tenant):
    service = tenant[1]
    session = Session(service)
    for base, entity_set in ((CU, 'CommunicationUsers'), (CS, 'CommunicationSystems'), (CA, 'CommunicationArrangements')):
        body = session.get(base + '/').json()
        assert body['@odata.context'] == '$metadata' and entity_set in [s['name'] for s in body['value']]
    missing = session.get(CU + "/CommunicationUsers('CC9999999999')")
    assert missing.status_code == 404 and missing.json()['error']['message']
    assert '@SAP__common.TransactionId' in missing.json()['error']['innererror']['ErrorDetails']


def test_users_ids_password_policy_and_duplicates(tenant):
    service = tenant[1]
    session = Session(service)
    created = session.write('POST', CU + '/CommunicationUsers',
                            {'Name': 'U1', 'Type': 'customer_communication', 'Description': 'd', 'Password': PASSWORD})
    assert created.status_code == 201 and created.headers['Location'].endswith("CommunicationUsers('%s')" % created.json()['ID'])
    user = created.json()
    assert user['ID'].startswith('CC') and len(user['ID']) == 12 and 'Password' not in user
    assert user['LockStatus'] == 'not_locked' and user['PasswordStatus'] == 'productive'
    single = session.get(CU + "/CommunicationUsers('%s')" % user['ID'])
    assert single.headers['ETag'] == single.json()['@odata.etag'] and 'Password' not in single.json()
    for body, word in (({'Name': 'U1', 'Description': 'd'}, 'already used'),
                       ({'Name': 'U2'}, 'must have a description'),
                       ({'Name': 'U3', 'Description': 'd', 'Password': 'short!'}, 'password policy'),
                       ({'Name': 'U4', 'Description': 'd', 'Password': 'NoSpecialCharacter12345'}, 'password policy'),
                       ({'Name': 'U5', 'Description': 'd', 'Bogus': 1}, 'Bogus')):
        response = session.write('POST', CU + '/CommunicationUsers', dict(body, Type='customer_communication'))
        assert response.status_code == 400 and word in response.json()['error']['message'], body


def test_csrf_protection(tenant):
    service = tenant[1]
    session = Session(service)
    no_token = session.http.post(service.url + CU + '/CommunicationUsers', json={})
    assert no_token.status_code == 403 and no_token.headers['x-csrf-token'] == 'Required'
    assert no_token.text == 'CSRF token validation failed' and no_token.headers['Content-Type'].startswith('text/plain')
    fetched = session.get(CU + '/CommunicationUsers', **{'$top': '1'})
    assert {'SAP_SESSIONID_EMU_100', 'sap-XSRF_EMU_100'} <= set(session.http.cookies.keys())
    # The token alone is not enough: the cookies of the fetch belong to it.
    without_cookies = requests.post(service.url + CU + '/CommunicationUsers', json={}, auth=ADMIN,
                                    headers={'X-CSRF-Token': fetched.headers['x-csrf-token']})
    assert without_cookies.status_code == 403
    new_user(session, 'CSRF_OK')
    service.inject('csrf_expire', {})
    expired = session.write('POST', CU + '/CommunicationUsers', {'Name': 'X'})
    assert expired.status_code == 403 and expired.headers['x-csrf-token'] == 'Required'


def test_logon_lockout_and_authorization(tenant):
    service = tenant[1]
    admin = Session(service)
    user = new_user(admin, 'LOCKABLE')
    # Not bound to any arrangement: the logon page, as for a wrong password (and no failed logon is counted).
    unbound = Session(service, ('LOCKABLE', PASSWORD)).get(CU + '/')
    assert unbound.status_code == 401 and 'Logon failed' in unbound.text
    for _attempt in range(3):
        failed = Session(service, ('LOCKABLE', 'wrong')).get(CU + '/')
        assert failed.status_code == 401 and 'Logon failed' in failed.text
        assert failed.headers['Content-Type'].startswith('text/html')
    assert Session(service, ('LOCKABLE', PASSWORD)).get(CU + '/').status_code == 401
    locked = admin.get(CU + "/CommunicationUsers('%s')" % user['ID']).json()
    assert locked['LockStatus'] == 'locked_by_system' and locked['IsLocked'] is True
    assert admin.write('PATCH', CU + "/CommunicationUsers('%s')" % user['ID'], {'LockStatus': 'not_locked'}).status_code == 204
    assert Session(service, ('LOCKABLE', PASSWORD)).get(CU + '/').status_code == 401
    assert Session(service, ('NOBODY', PASSWORD)).get(CU + '/').status_code == 401


def test_scenario_grants(tenant):
    service = tenant[1]
    service.seed({'users': [{'Name': 'IPS', 'Password': PASSWORD, 'Description': 'd'}],
                  'systems': [{'ID': 'IPS_SYS', 'IsInboundOnly': True, 'InboundUsers': [{'user': 'IPS'}]}],
                  'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0093', 'CommunicationSystemID': 'IPS_SYS',
                                    'inbound_user': 'IPS'},
                                   {'CommunicationScenarioID': 'SAP_COM_0066', 'CommunicationSystemID': 'IPS_SYS',
                                    'inbound_user': 'IPS'}]})
    ips = Session(service, ('IPS', PASSWORD))
    assert ips.get(CU + '/').status_code == 403
    assert ips.get('/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner').status_code == 403
    # Granted by SAP_COM_0093: past logon and authorization, whatever the business-user routes then answer.
    assert ips.get('/sap/bc/srt/scs_ext/sap/querybusinessuserin').status_code not in (401, 403)


def test_systems_and_their_users(tenant):
    service = tenant[1]
    session = Session(service)
    user = new_user(session, 'SYS_USER')
    rules = [({'ID': 'S1', 'IsInboundOnly': False}, 'CM_APS_CS/025'),
             ({'ID': 'S1', 'HostName': 'h', 'LogicalSystemID': 'ELEVENCHARS'}, 'EMULATOR/MAXLENGTH'),
             ({'ID': 'S1', 'HostName': 'h', 'InboundUsers': [{'CommunicationUserID': user['ID']}]}, 'CM_APS_CS/026')]
    for body, code in rules:
        response = session.write('POST', CS + '/CommunicationSystems', body)
        assert response.status_code == 400 and error_code(response) == code, body
    system = new_system(session, 'S1')
    assert session.write('POST', CS + '/CommunicationSystems', {'ID': 'S1', 'HostName': 'h'}).status_code == 400
    via_nav = session.write('POST', CS + '/CommunicationSystems(%s)/InboundUsers' % system['UUID'],
                            {'CommunicationUserID': user['ID'], 'AuthenticationMethod': 'basic'})
    assert via_nav.status_code == 201 and via_nav.json()['CommunicationSystemUUID'] == system['UUID']
    standalone = session.write('POST', CS + '/InboundUsers', {'CommunicationSystemUUID': system['UUID'],
                                                              'CommunicationUserID': user['ID'],
                                                              'AuthenticationMethod': 'x509'})
    assert standalone.status_code == 201
    no_user = session.write('POST', CS + '/InboundUsers', {'CommunicationSystemUUID': system['UUID']})
    assert error_code(no_user) == 'CM_APS_CS/026'
    no_password = session.write('POST', CS + '/OutboundUsers', {'CommunicationSystemUUID': system['UUID'], 'Name': 'D'})
    assert no_password.status_code == 400 and 'Password' in no_password.json()['error']['message']
    outbound = session.write('POST', CS + '/OutboundUsers', {'CommunicationSystemUUID': system['UUID'], 'Name': 'D',
                                                             'Password': 'x'})
    assert outbound.status_code == 201 and 'Password' not in outbound.json()
    listed = session.get(CS + '/CommunicationSystems', **{'$filter': "ID eq 'S1' and IsInboundOnly eq false",
                                                          '$expand': 'InboundUsers,OutboundUsers'}).json()['value']
    assert len(listed) == 1 and len(listed[0]['InboundUsers']) == 2 and len(listed[0]['OutboundUsers']) == 1
    selected = session.get(CS + '/CommunicationSystems', **{'$select': 'ID', '$top': '1'}).json()['value']
    assert len(selected) == 1 and set(selected[0]) == {'@odata.etag', 'ID'}
    assert session.get(CS + '/CommunicationSystems', **{'$filter': 'ID gt 1'}).status_code == 400
    assert session.get(CS + '/CommunicationSystems', **{'$expand': 'Nope'}).status_code == 400
    assert session.write('DELETE', CU + "/CommunicationUsers('%s')" % user['ID']).status_code == 400  # still used
    assert session.write('DELETE', CS + '/CommunicationSystems(%s)' % system['UUID']).status_code == 204
    assert not service.state['inbound_users'] or all(
        i['CommunicationSystemUUID'] != system['UUID'] for i in service.state['inbound_users'].values())


def test_arrangements(tenant):
    service = tenant[1]
    session = Session(service)
    user = new_user(session, 'ARR_USER')
    system, other = new_system(session, 'ARR_SYS'), new_system(session, 'OTHER_SYS')
    inbound = session.write('POST', CS + '/CommunicationSystems(%s)/InboundUsers' % system['UUID'],
                            {'CommunicationUserID': user['ID']}).json()
    foreign = session.write('POST', CS + '/CommunicationSystems(%s)/InboundUsers' % other['UUID'],
                            {'CommunicationUserID': user['ID']}).json()
    outbound = session.write('POST', CS + '/CommunicationSystems(%s)/OutboundUsers' % system['UUID'],
                             {'Name': 'DUMMY', 'Password': 'x'}).json()
    base = {'CommunicationScenarioID': 'SAP_COM_0093', 'CommunicationSystemID': 'ARR_SYS',
            'InboundUser': {'CommunicationSystemInboundUserUUID': inbound['UUID']}}
    for body, code in ((dict(base, CommunicationSystemID='NOPE'), 'EMULATOR/UNKNOWN_SYSTEM'),
                       (dict(base, InboundUser={'CommunicationSystemInboundUserUUID': foreign['UUID']}),
                        'EMULATOR/USER_NOT_IN_SYSTEM'),
                       (dict(base, CommunicationScenarioID='SAP_COM_0066'), 'CM_APS_CA/027')):
        response = session.write('POST', CA + '/CommunicationArrangements', body)
        assert response.status_code == 400 and error_code(response) == code, body
    created = session.write('POST', CA + '/CommunicationArrangements', dict(
        base, OutboundUser={'CommunicationSystemOutboundUserUUID': outbound['UUID']},
        OutboundServices=[{'ID': 'SVC', 'Status': 'inactive'}], Properties=[{'Name': 'P', 'Value': '1'}]))
    assert created.status_code == 201, created.text
    arrangement = created.json()
    assert arrangement['Name'] == 'SAP_COM_0093' and arrangement['OutboundServices'][0]['Status'] == 'inactive'
    second = session.write('POST', CA + '/CommunicationArrangements', dict(base, Name='ANOTHER'))
    assert second.status_code == 400 and error_code(second) == 'EMULATOR/SCENARIO_USED'
    path = CA + '/CommunicationArrangements(%s)' % arrangement['UUID']
    assert session.write('PATCH', path + '/InboundUser',
                         {'CommunicationSystemInboundUserUUID': foreign['UUID']}).status_code == 400
    assert session.write('PATCH', path, {'Properties': [{'Name': 'P', 'Value': '2'}]}).status_code == 204
    read = session.get(path, **{'$expand': 'Properties,InboundUser'}).json()
    assert read['Properties'] == [{'Name': 'P', 'Value': '2'}] and read['InboundUser']['CommunicationSystemInboundUserUUID']
    assert 'OutboundServices' not in session.get(path).json()
    assert session.write('DELETE', path).status_code == 204
    assert session.get(path).status_code == 404


def test_etag_enforcement_and_stale_etags(tenant):
    service = tenant[1]
    session = Session(service)
    user = new_user(session, 'ETAG_USER')
    path = CU + "/CommunicationUsers('%s')" % user['ID']
    service.inject('enforce_etag', {'enabled': True})
    assert session.write('PATCH', path, {'Description': 'x'}).status_code == 428
    etag = session.get(path).headers['ETag']
    assert session.write('PATCH', path, {'Description': 'x'}, **{'If-Match': etag}).status_code == 204
    assert session.write('PATCH', path, {'Description': 'y'}, **{'If-Match': etag}).status_code == 412
    fresh = session.get(path).headers['ETag']
    service.inject('stale_etags', {})
    assert session.write('PATCH', path, {'Description': 'y'}, **{'If-Match': fresh}).status_code == 412
    assert session.write('PATCH', path, {'Description': 'y'}, **{'If-Match': '*'}).status_code == 204
    service.inject('enforce_etag', {'enabled': False})
    assert session.write('PATCH', path, {'Description': 'z'}).status_code == 204


def test_seed_is_idempotent(tenant):
    service = tenant[1]
    before = dict((t, len(service.state[t])) for t in ('users', 'systems', 'inbound_users', 'arrangements'))
    service.seed(service.demo_seed())
    assert before == dict((t, len(service.state[t])) for t in before)


def client(service, **params):
    return S4Client(dict({'api_url': service.url, 'api_user': ADMIN[0], 'api_password': ADMIN[1], 'sap_client': None,
                          'use_etag': True, 'validate_certs': True, 'ca_path': None, 'timeout': 10}, **params))


def test_s4_client_recovers_from_expired_csrf_and_sends_etags(tenant):
    emulator, service = tenant
    s4 = client(service)
    s4.users.create({'Name': 'CLIENT_USER', 'Type': 'customer_communication', 'Description': 'd', 'Password': PASSWORD})
    user = s4.users.find(Name='CLIENT_USER')
    assert user['ID'].startswith('CC') and '@odata.etag' not in user
    service.inject('csrf_expire', {})
    service.inject('enforce_etag', {'enabled': True})
    emulator.stats.reset()
    s4.users.update(user, {'Description': 'after expiry'})
    methods = [(e['method'], e['path'].rsplit('/', 1)[-1]) for e in emulator.stats.snapshot(with_log=True)['log']]
    assert methods == [('PATCH', "CommunicationUsers('%s')" % user['ID']), ('GET', ''),
                       ('PATCH', "CommunicationUsers('%s')" % user['ID'])]
    assert service.state['users'][user['ID']]['Description'] == 'after expiry'
    assert s4.user_ids(['CLIENT_USER', ADMIN[0]], 'inbound_users') == {'CLIENT_USER': user['ID'], ADMIN[0]: 'CC0000000001'}
    with pytest.raises(Exception) as info:
        s4.user_ids(['CLIENT_USER', 'NOT_THERE'], 'inbound_users')
    assert 'inbound_users' in str(info.value) and 'NOT_THERE' in str(info.value)
    reported = []
    assert s4.user_ids(['CLIENT_USER', 'NOT_THERE'], 'inbound_users', reported.append) == {
        'CLIENT_USER': user['ID'], 'NOT_THERE': ''}
    assert reported == ['inbound_users: communication user NOT_THERE does not exist']


def test_s4_client_says_unconfirmed_when_a_delete_is_refused(tenant):
    emulator, service = tenant
    s4 = client(service)
    s4.users.create({'Name': 'REFUSED', 'Type': 'customer_communication', 'Description': 'd', 'Password': PASSWORD})
    user = s4.users.find(Name='REFUSED')
    emulator.faults.add({'method': 'DELETE', 'status': 405, 'body': 'Method not allowed'})
    with pytest.raises(ApiError) as info:
        s4.users.delete(user)
    assert info.value.status == 405 and 'UNCONFIRMED' in info.value.message and info.value.method == 'DELETE'
