"""The emulated systems' models without HTTP: the rule each write enforces, with and without the tenant variants
that switch it (tests/emulator/variants.py). The routes are covered by test_s4_emulator.py and the integration
tests; here a model is built directly, with the switches of named variants."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

# pylint: disable=wrong-import-position
from emulator import variants  # noqa: E402
from emulator.demo import DEMO  # noqa: E402
from emulator.model import Refused  # noqa: E402
from emulator.services.cf.model import DestinationsModel as CfDestinations  # noqa: E402
from emulator.services.ias.model import PROXY_PERMISSION, IasModel  # noqa: E402
from emulator.services.idm.model import IdmModel  # noqa: E402
from emulator.services.ips.model import BackendError, IpsModel  # noqa: E402
from emulator.services.neo.model import AppOAuthModel, DestinationsModel, PlatformModel  # noqa: E402
from emulator.services.s4.model import S4Model  # noqa: E402
from emulator.services.s4.paths import CU, SCIM  # noqa: E402

PASSWORD = 'Model-Unit-Test-Password-1!'


def switched(model_class, kind, *names, **config):
    """A model with the switches of the named tenant variants (none: the base emulator)."""
    active = variants.switches(list(names), kind)
    return model_class(config, switches=lambda: active)


def refusal(call, *args, **kwargs):
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    return caught.value


def demo_tenant(*names):
    model = switched(S4Model, 's4', *names)
    model.seed(model.demo_seed())
    return model


def new_user(model, name='IDM_USER', **fields):
    return model.create_user(dict({'Name': name, 'Description': 'd', 'Type': 'customer_communication',
                                   'Password': PASSWORD}, **fields))


# ---- S/4HANA Cloud: communication management ----

def test_s4_user_names_are_unique_regardless_of_case_and_passwords_follow_the_policy():
    model = demo_tenant()
    new_user(model, 'IDM_USER')
    assert refusal(new_user, model, 'idm_user').code == 'EMULATOR/DUPLICATE'
    short = refusal(new_user, model, 'OTHER', Password='short-1!')
    assert (short.status, short.code, short.target) == (400, 'EMULATOR/PASSWORD_POLICY', 'Password')
    assert model.user_by_name('OTHER') is None


def test_s4_a_user_without_password_only_where_the_tenant_allows_it():
    assert new_user(demo_tenant(), Password=None)['PasswordStatus'] == 'inactive'
    strict = demo_tenant('s4_password_required')
    assert refusal(new_user, strict, 'NOPW', Password=None).code == 'EMULATOR/PASSWORD_REQUIRED'


def test_s4_three_wrong_passwords_lock_the_user_and_a_good_logon_resets_the_count():
    model = demo_tenant()
    admin = DEMO['s4_admin_user']
    assert model.logon((admin, 'wrong'), None) is None
    assert model.logon((admin, DEMO['s4_admin_password']), None)['Name'] == admin
    assert model.user_by_name(admin)['_failures'] == 0
    for _attempt in range(3):
        assert model.logon((admin, 'wrong'), None) is None
    assert model.user_by_name(admin)['LockStatus'] == 'locked_by_system'
    assert model.logon((admin, DEMO['s4_admin_password']), None) is None


def test_s4_a_logged_on_user_is_granted_only_the_services_of_its_scenarios():
    model = demo_tenant()
    user = model.logon((DEMO['s4_admin_user'], DEMO['s4_admin_password']), None)
    assert model.bound_scenarios(user) == {'SAP_COM_0A48'}
    assert model.granted(user, CU + '/CommunicationUsers')
    assert not model.granted(user, SCIM + '/Users')


def test_s4_password_change_by_patch_is_refused_only_on_such_a_tenant():
    model = demo_tenant()
    user = new_user(model)
    model.update_user(user, {'Password': PASSWORD + 'x'})
    assert user['Password'] == PASSWORD + 'x'
    strict = demo_tenant('s4_password_patch_refused')
    user = new_user(strict)
    assert refusal(strict.update_user, user, {'Password': PASSWORD + 'x'}).code == 'EMULATOR/READ_ONLY'
    assert user['Password'] == PASSWORD


def test_s4_inbound_users_inline_are_refused_unless_the_tenant_accepts_deep_insert():
    body = {'ID': 'IPS_PROXY', 'HostName': 'h.example.com'}
    base = demo_tenant()
    user = new_user(base)
    assert refusal(base.create_system, dict(body, InboundUsers=[{'CommunicationUserID': user['ID']}])).code \
        == 'CM_APS_CS/026'
    assert base.system_by_id('IPS_PROXY') is None
    deep = demo_tenant('s4_deep_insert_accepted')
    user = new_user(deep)
    system = deep.create_system(dict(body, InboundUsers=[{'CommunicationUserID': user['ID']}]))
    assert [i['CommunicationUserID'] for i in deep.children('inbound_users', system['UUID'])] == [user['ID']]


@pytest.mark.parametrize('names, refused', [((), 'CM_APS_CA/027'), (('s4_0066_no_outbound_user',), None)])
def test_s4_scenario_0066_needs_an_outbound_user_on_the_base_tenant_only(names, refused):
    model = demo_tenant(*names)
    model.create_system({'ID': 'IPS_PROXY', 'HostName': 'h.example.com'})
    body = {'CommunicationScenarioID': 'SAP_COM_0066', 'CommunicationSystemID': 'IPS_PROXY'}
    if refused:
        assert refusal(model.create_arrangement, body).code == refused
    else:
        assert model.create_arrangement(body)['Name'] == 'SAP_COM_0066'


def test_s4_if_match_is_checked_only_while_enforced():
    model = demo_tenant()
    system = model.system_by_id('COMM_MGMT_AUTOMATION')
    model.check_etag(system, None)  # not enforced: nothing to check
    enforced = demo_tenant('s4_etag_required')
    system = enforced.system_by_id('COMM_MGMT_AUTOMATION')
    assert refusal(enforced.check_etag, system, None).status == 428
    assert refusal(enforced.check_etag, system, 'W/"0"').status == 412
    enforced.check_etag(system, system['_etag'])
    enforced.check_etag(system, '*')


def test_s4_a_system_in_an_arrangement_cannot_be_deleted():
    model = demo_tenant()
    system = model.system_by_id('COMM_MGMT_AUTOMATION')
    assert refusal(model.delete_system, system).code == 'EMULATOR/IN_USE'
    assert model.system_by_id('COMM_MGMT_AUTOMATION') is system


def test_s4_a_user_holds_as_many_certificates_as_the_tenant_allows():
    from emulator import certs  # pylint: disable=import-outside-toplevel
    authority = certs.Authority()
    pems = [certs.pem(authority.issue('model test %d' % i)[0]).decode('ascii') for i in range(2)]
    for names, held in (((), 2), (('s4_one_certificate',), 1)):
        model = demo_tenant(*names)
        user = new_user(model)
        model.seed_certificate(user['ID'], pems[0])
        try:
            model.seed_certificate(user['ID'], pems[1])
        except Refused as exc:
            assert exc.code == 'EMULATOR/CERTIFICATE_LIMIT'
        assert len([c for c in model.certificates().values() if c['UserID'] == user['ID']]) == held


# ---- S/4HANA Cloud: business users ----

def test_s4_business_users_are_maintained_only_for_existing_workers_and_known_roles():
    model = demo_tenant()
    assert model.maintain('W9999', None)[0][:2] == ('3', 'EMU/001')
    create = {'action': '01', 'UserName': 'MPOE', 'LockedIndicator': None, 'complete': False,
              'roles': [('SAP_BR_EMPLOYEE', '01')]}
    assert model.maintain('W0003', create)[0][0] == '1'
    assert model.worker('W0003')['User']['Roles'] == ['SAP_BR_EMPLOYEE']
    unknown = dict(create, action='02', roles=[('SAP_BR_NOPE', '01')])
    assert model.maintain('W0003', unknown)[0][:2] == ('3', 'EMU/005')
    assert model.worker('W0003')['User']['Roles'] == ['SAP_BR_EMPLOYEE']


# ---- SAP BTP Neo ----

def test_neo_authorization_api_limits_calls_per_subaccount_and_checks_token_and_scope():
    model = PlatformModel({'rate_limit': 2})
    model.seed(model.demo_seed())
    token = model.issue_token(DEMO['neo_platform_client_id'])[0]
    account = DEMO['neo_consumer_subaccount']
    assert refusal(model.authorize, token, 'other', ('readApplicationRoles',)).status == 401
    assert refusal(model.authorize, token, account, ('noSuchScope',)).status == 403  # counts as a call
    model.authorize(token, account, ('readApplicationRoles',))
    assert refusal(model.authorize, token, account, ('readApplicationRoles',)).status == 429


def test_neo_destination_password_is_returned_only_on_such_a_tenant():
    for names, has_password in (((), False), (('neo_destination_password',), True)):
        model = switched(DestinationsModel, 'neo_configapi', *names)
        items = {}
        model.upload(items, [('IPS', {'URL': 'https://s4.example.com', 'Password': 'secret'})])
        assert ('Password' in model.read(items, 'IPS')) is has_password
        assert model.read(items, 'IPS')['Name'] == 'IPS'


def test_neo_destination_names_must_match_their_document():
    model = DestinationsModel()
    items = {}
    assert refusal(model.upload, items, [('IPS', {'Name': 'OTHER'})]).status == 400
    assert refusal(model.upload, items, [('a b', {})]).status == 400


def test_neo_app_clients_with_a_certificate_only_on_a_tenant_that_accepts_them():
    seed = {'clients': {'x509': {'certificate_subject': 'CN=idm', 'subscription': 'p/ipsproxy'},
                        'pw': {'secret': 's', 'subscription': 'p/ipsproxy', 'grant': 'password'}}}
    base, x509 = AppOAuthModel(), switched(AppOAuthModel, 'neo_oauth', 'neo_oauth_x509')
    for model in (base, x509):
        model.seed(seed)
    assert base.certificate_client('x509') is None and x509.certificate_client('x509')['certificate_subject']
    assert x509.certificate_client('pw') is None
    assert refusal(base.issue_token, 'pw').message == 'unauthorized_client'


# ---- SAP BTP Cloud Foundry ----

def test_cf_destinations_are_created_once_and_bulk_writes_report_each_item():
    model = CfDestinations()
    items = model.items('subaccount', 'sub-1')
    model.create(items, {'Name': 'IPS', 'Type': 'HTTP'})
    assert refusal(model.create, items, {'Name': 'IPS', 'Type': 'HTTP'}).status == 409
    assert refusal(model.create, items, {'Name': 'bad name', 'Type': 'HTTP'}).status == 400
    results = model.store_each(items, [{'Name': 'IPS', 'Type': 'HTTP'}, {'Name': 'NEW', 'Type': 'HTTP'}], True, 201,
                               (409, 'Duplicate key'))
    assert [r['status'] for r in results] == [409, 201] and sorted(items) == ['IPS', 'NEW']


# ---- Identity Provisioning ----

def ips_tenant(model_class=IpsModel, destinations=None):
    model = model_class({'max_systems': 2})
    model.seed(model.demo_seed())
    model.destinations = lambda account, name: (destinations or {}).get((account, name))
    return model


def test_ips_system_names_are_unique_and_the_tenant_limits_their_number():
    model = ips_tenant()
    model.create({'name': 'S4 proxy', 'connectorTypeString': 'S4HANA'})
    duplicate = refusal(model.create, {'name': 'S4 proxy', 'connectorTypeString': 'S4HANA'})
    assert (duplicate.status, duplicate.code) == (409, 'DUPLICATE_NAME')
    assert refusal(model.create, {'name': 'a/b', 'connectorTypeString': 'S4HANA'}).code == 'INVALID_NAME'
    model.create({'name': 'Second', 'connectorTypeString': 'S4HANA'})
    assert refusal(model.create, {'name': 'Third', 'connectorTypeString': 'S4HANA'}).code == 'LIMIT'


def test_ips_credentials_are_dropped_when_the_url_changes_and_kept_otherwise():
    model = ips_tenant()
    body = {'name': 'S4 proxy', 'connectorTypeString': 'S4HANA', 'properties': {'URL': 'https://a'},
            'encryptedProperties': {'Password': 'secret'}}
    system = model.create(body)
    model.replace(system, dict(body, description='kept', encryptedProperties={}))
    assert system['_credentials'] == {'Password': 'secret'}
    model.replace(system, dict(body, properties={'URL': 'https://b'}, encryptedProperties={}))
    assert system['_credentials'] == {}


def test_ips_connection_is_the_destination_overridden_by_properties_and_credentials():
    account = DEMO['neo_consumer_subaccount']
    model = ips_tenant(destinations={(account, 'S4'): {'URL': 'https://s4/', 'User': 'U', 'Password': 'old',
                                                       'sap-client': '100'}})
    system = model.create({'name': 'S4 proxy', 'connectorTypeString': 'S4HANA', 'destinationName': 'S4',
                           'properties': {'s4hana.cloud.api.version': '3'},
                           'encryptedProperties': {'Password': 'new'}})
    assert model.connection(system) == ('https://s4', 'U', 'new', '3')
    assert model.sap_client(system) == '100'
    missing = model.create({'name': 'Other', 'connectorTypeString': 'S4HANA', 'destinationName': 'NONE'})
    with pytest.raises(BackendError):
        model.connection(missing)


def test_ips_proxy_callers_must_be_registered_for_the_subscription_and_hold_the_role():
    model = ips_tenant()
    account, provider = model.subscription()
    registration = {'subscription': '%s/ipsproxy' % provider, 'account': account}
    model.check_proxy_caller('c', registration, True)
    assert refusal(model.check_proxy_caller, 'c', registration, False).status == 403
    assert refusal(model.check_proxy_caller, 'c', dict(registration, account='other'), True).status == 403


def test_ias_has_no_destinations_and_its_proxy_needs_the_permission():
    model = ips_tenant(IasModel)
    with pytest.raises(BackendError):
        model.destination('S4')
    admin = model.client(DEMO['ias_client_id'], DEMO['ias_client_secret'])
    model.check_proxy_admin(admin)
    assert refusal(model.check_proxy_admin, dict(admin, permissions=[])).status == 403
    assert refusal(model.check_proxy_admin, None).status == 401
    assert PROXY_PERMISSION in admin['permissions'] and model.client(DEMO['ias_client_id'], 'wrong') is None


# ---- Identity Management ----

def test_idm_encrypted_constants_stay_hidden_and_keep_their_value_when_not_sent():
    model = IdmModel()
    repo = model.add({'name': 'IPS', 'constants': {'AUTH_USER': 'u', 'AUTH_PASSWORD': 'secret'}})
    view = model.view(repo)
    assert 'AUTH_PASSWORD' not in view['constants'] and view['encryptedConstants'] == ['AUTH_PASSWORD']
    model.replace(repo, {'name': 'IPS', 'constants': {'AUTH_USER': 'v'}})
    assert repo['constants'] == {'AUTH_USER': 'v', 'AUTH_PASSWORD': 'secret'}
    assert refusal(model.add, {'name': 'IPS'}).status == 409


def test_idm_one_load_runs_at_a_time_and_a_restart_fails_the_running_one():
    model = IdmModel()
    repo = model.add({'name': 'IPS'})
    job, started = model.start_load(repo)
    assert started and model.start_load(repo) == (job, False)
    model.restored()
    assert job['status'] == 'failed' and 'restarted' in job['message']
    model.finish_load(model.start_load(repo)[0]['id'], 'IPS', [{'userName': 'JDOE'}], [], None)
    assert model.state['identity_store']['IPS']['users'] == ['JDOE']
