"""scp_destination and scp_destination_info on the Neo configuration service (emulated)."""

import sys

import pytest

from btp_support import NEO_TOKEN, btp_requests, neo_connection, writes
from helpers import assert_no_secret, path_count
from emulator.demo import DEMO

HOST = 'neo_configapi'
ACCOUNT = DEMO['neo_consumer_subaccount']
PASSWORD = 'Neo-Dest-Pass=1:#very-secret'
NEW_PASSWORD = 'Neo-Dest-Pass-2-rotated'
COLLECTION = '/configuration/api/rest/oauth/SPACES/%s/connectivity/' % ACCOUNT


@pytest.fixture(autouse=True)
def clean(emulator):
    emulator.reset(HOST)
    emulator.reset('neo_api')
    yield
    emulator.clear_faults()


def dest(emulator, **args):
    base = dict(neo_connection(emulator), platform='neo', name='S4HC_NEO',
                url='https://my123456-api.s4hana.ondemand.com', authentication='BasicAuthentication',
                user='COMM_USER', password=PASSWORD, description='S/4HANA Cloud: user=COMM_USER')
    base.update(args)
    return dict((k, v) for k, v in base.items() if v is not None)


def stored(emulator, name='S4HC_NEO', level='subaccount:%s' % ACCOUNT):
    return emulator.state(HOST)['destinations'].get(level, {}).get(name)


def test_lifecycle_without_password_read_back(module, ansible, emulator):
    check = module.task('sapcloud.identity.scp_destination', dest(emulator), check=True, diff=True)
    assert check.changed and not check.failed, check.msg
    assert writes(emulator, HOST) == 0 and stored(emulator) is None

    created = module.task('sapcloud.identity.scp_destination', dest(emulator))
    assert created.changed and created.data['actions'] == ['create']
    assert stored(emulator)['Password'] == PASSWORD
    assert stored(emulator)['Description'] == 'S/4HANA Cloud: user=COMM_USER'  # .properties escapes survive
    assert path_count(emulator, HOST, 'POST ' + COLLECTION) == 1

    emulator.reset_stats()
    again = module.task('sapcloud.identity.scp_destination', dest(emulator))
    assert not again.changed and writes(emulator, HOST) == 0
    assert emulator.requests(HOST) == 1 and path_count(emulator, 'neo_api', NEO_TOKEN) == 0

    # The password cannot be read back: on_create leaves it alone, always re-sends it.
    emulator.reset_stats()
    same = module.task('sapcloud.identity.scp_destination', dest(emulator, password=NEW_PASSWORD))
    assert not same.changed and writes(emulator, HOST) == 0
    assert stored(emulator)['Password'] == PASSWORD
    args = dest(emulator, password=NEW_PASSWORD, update_password='always')
    # The module's ansible-playbook smoke run: an update with -vvv and --diff.
    always = ansible.task('sapcloud.identity.scp_destination', args, diff=True, verbosity=3)
    assert always.changed and always.data['changed_properties'] == ['Password']
    assert stored(emulator)['Password'] == NEW_PASSWORD
    assert_no_secret(always.run.output, PASSWORD, NEW_PASSWORD, DEMO['neo_platform_client_secret'],
                     users=(DEMO['neo_platform_client_id'],))

    emulator.reset_stats()
    args = dest(emulator, password=NEW_PASSWORD, properties={'CloudConnectorVersion': 2})
    updated = module.task('sapcloud.identity.scp_destination', args)
    assert updated.changed and updated.data['changed_properties'] == ['CloudConnectorVersion']
    assert stored(emulator)['CloudConnectorVersion'] == '2'
    assert stored(emulator)['Password'] == NEW_PASSWORD  # an update re-uploads the given password
    assert writes(emulator, HOST) == 1

    info = module.task('sapcloud.identity.scp_destination_info', dict(neo_connection(emulator), platform='neo'))
    assert [d['Name'] for d in info.data['destinations']] == ['S4HC_NEO']
    assert 'Password' not in info.data['destinations'][0]

    emulator.reset_stats()
    gone = module.task('sapcloud.identity.scp_destination', dest(emulator, state='absent'))
    assert gone.changed and stored(emulator) is None
    assert path_count(emulator, HOST, 'DELETE ' + COLLECTION + 'S4HC_NEO') == 1
    again = module.task('sapcloud.identity.scp_destination', dest(emulator, state='absent'))
    assert not again.changed and writes(emulator, HOST) == 1


def test_password_read_back_detects_a_change(module, ansible, emulator):
    emulator.fault(host=HOST, action='configure', return_password=True)
    assert module.task('sapcloud.identity.scp_destination', dest(emulator)).changed
    emulator.reset_stats()
    assert not module.task('sapcloud.identity.scp_destination', dest(emulator)).changed
    assert writes(emulator, HOST) == 0
    rotated = ansible.task('sapcloud.identity.scp_destination', dest(emulator, password=NEW_PASSWORD), verbosity=3)
    assert rotated.changed and rotated.data['changed_properties'] == ['Password']
    assert stored(emulator)['Password'] == NEW_PASSWORD
    assert_no_secret(rotated.run.output, PASSWORD, NEW_PASSWORD)


def test_application_and_subscription_levels(module, emulator):
    app = module.task('sapcloud.identity.scp_destination', dest(emulator, level='application', application='myapp'))
    assert app.changed, app.msg
    assert stored(emulator, level='application:%s:myapp' % ACCOUNT)
    sub_args = dest(emulator, level='subscription', application='ipsproxy',
                    provider_subaccount=DEMO['neo_provider_subaccount'])
    sub = module.task('sapcloud.identity.scp_destination', sub_args)
    assert sub.changed, sub.msg
    assert stored(emulator, level='subscription:%s:%s:ipsproxy' % (ACCOUNT, DEMO['neo_provider_subaccount']))
    assert path_count(emulator, HOST, 'POST /configuration/api/rest/oauth/SPACES/%s/appliances/ipsproxy/components/'
                      'web/base/connectivity/provideraccount/%s/providerapplication/ipsproxy/'
                      % (ACCOUNT, DEMO['neo_provider_subaccount'])) == 1
    assert not module.task('sapcloud.identity.scp_destination', sub_args).changed
    assert stored(emulator) is None  # nothing at subaccount level


@pytest.mark.parametrize('args, parameter', [
    ({'name': 'bad.name'}, 'name'),
    ({'level': 'instance'}, 'level'),
    ({'level': 'subscription', 'application': 'ipsproxy'}, 'provider_subaccount'),
    ({'level': 'application'}, 'application'),
    ({'subaccount': None}, 'subaccount'),
    ({'api_url': None}, 'api_url or landscape_host'),
    ({'platform_client_secret': None}, 'platform_client_secret'),
    ({'landscape_host': 'https://hana.ondemand.com', 'api_url': None}, 'landscape_host'),
    ({'secret_properties': {'Password': 'x'}}, 'secret_properties'),
    ({'configapi_url': 'configapi.example.com'}, 'configapi_url must be a full base URL'),
])
def test_bad_input_fails_before_any_request(module, emulator, args, parameter):
    emulator.reset_stats()
    result = module.task('sapcloud.identity.scp_destination', dest(emulator, **args))
    assert result.failed and parameter in result.msg, result.msg
    assert btp_requests(emulator) == 0


def test_environment_fallbacks(module, emulator):
    conn = neo_connection(emulator)
    env = dict(('SAP_NEO_' + k.upper(), v) for k, v in conn.items())
    args = {'platform': 'neo', 'name': 'FROM_ENV', 'url': 'https://example.com'}
    result = module.task('sapcloud.identity.scp_destination', args, env=env)
    assert result.changed, result.msg
    assert stored(emulator, 'FROM_ENV')['Authentication'] == 'NoAuthentication'


def test_one_token_for_ten_tasks_over_four_forks(ansible, emulator, tmp_path):
    """Every task is a process of its own; the token cache and its lock make them share one token request."""
    inventory = tmp_path / 'hosts.ini'
    hosts = ['btp%d' % i for i in range(5)]
    inventory.write_text('[btp]\n' + ''.join('%s ansible_connection=local ansible_python_interpreter=%s\n'
                                             % (h, sys.executable) for h in hosts))
    conn = neo_connection(emulator)
    play = [{'hosts': 'btp', 'gather_facts': False,
             'module_defaults': {'group/sapcloud.identity.btp': conn},
             'tasks': [
                 {'name': 'destination', 'sapcloud.identity.scp_destination': {
                     'platform': 'neo', 'name': 'D_{{ inventory_hostname }}', 'url': 'https://example.com'}},
                 {'name': 'read', 'sapcloud.identity.scp_destination_info': {
                     'platform': 'neo', 'name': 'D_{{ inventory_hostname }}'}}]}]
    emulator.reset_stats()
    run = ansible.playbook(play, inventory=str(inventory), forks=4)
    assert run.rc == 0, run.output
    assert len([r for r in run.results if r['status'] == 'ok']) == 10
    assert path_count(emulator, 'neo_api', NEO_TOKEN) == 1
    assert sorted(emulator.state(HOST)['destinations']['subaccount:' + ACCOUNT]) == ['D_' + h for h in hosts]
