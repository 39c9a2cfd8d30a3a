"""scp_oauth_client: registration proof through a token, role IPS_PROXY_USER through Neo Authorization Management."""

import json

import pytest
import requests

from btp_support import NEO_APP_TOKEN, NEO_TOKEN, btp_requests, writes
from helpers import assert_no_secret, path_count
from emulator.core import Emulator
from emulator.demo import DEMO
from emulator.services.neo import NeoApi, NeoConfigApi, NeoOAuth

ACCOUNT = DEMO['neo_consumer_subaccount']
PROVIDER = DEMO['neo_provider_subaccount']
CLIENT = DEMO['neo_oauth_client_id']
USER = 'oauth_client_' + CLIENT
PROXY_URL = 'https://ipsproxy.example.test'  # only returned, never called
ROLE_USERS = '/authorization/v1/accounts/%s/apps/ipsproxy/roles/users' % ACCOUNT


@pytest.fixture(autouse=True)
def clean(emulator):
    emulator.reset('neo_api')
    emulator.reset('neo_oauth')
    yield
    emulator.clear_faults()


def client_args(emulator, **args):
    base = {'api_url': emulator.url('neo_api'), 'oauth_url': emulator.url('neo_oauth'),
            'proxy_url': PROXY_URL, 'consumer_subaccount': ACCOUNT, 'provider_subaccount': PROVIDER,
            'platform_client_id': DEMO['neo_platform_client_id'],
            'platform_client_secret': DEMO['neo_platform_client_secret'],
            'client_id': CLIENT, 'client_secret': DEMO['neo_oauth_client_secret']}
    base.update(args)
    return dict((k, v) for k, v in base.items() if v is not None)


def holders(emulator, role='IPS_PROXY_USER'):
    return emulator.state('neo_api')['apps']['%s|%s|ipsproxy' % (ACCOUNT, PROVIDER)]['roles'][role]


def test_lifecycle(module, emulator):
    check = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator), check=True, diff=True)
    assert check.changed and not check.failed, check.msg
    assert writes(emulator, 'neo_api') == 0 and holders(emulator) == []

    done = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator), diff=True)
    assert done.changed and done.data['actions'] == ['assign']
    assert holders(emulator) == [USER]
    assert done.data['user_name'] == USER and done.data['roles'] == ['IPS_PROXY_USER']
    assert done.data['token_url'] == emulator.url('neo_oauth') + '/oauth2/api/v1/token'
    assert done.data['scim_url'] == PROXY_URL + '/ipsproxy/api/v1/scim'
    assert done.data['registration_verified'] is True
    assert path_count(emulator, 'neo_api', 'PUT ' + ROLE_USERS) == 1

    emulator.reset_stats()
    again = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator))
    assert not again.changed and not again.failed
    assert writes(emulator, 'neo_api') == 0 and btp_requests(emulator) == 1  # one GET, both tokens cached

    emulator.reset_stats()
    args = client_args(emulator, state='absent', client_secret=None)
    removed = module.task('sapcloud.identity.scp_oauth_client', args, diff=True)
    assert removed.changed and removed.data['actions'] == ['unassign'] and holders(emulator) == []
    assert 'cockpit' in ' '.join(removed.data.get('warnings', []))
    assert path_count(emulator, 'neo_api', 'DELETE ' + ROLE_USERS) == 1
    assert path_count(emulator, 'neo_oauth', NEO_APP_TOKEN) == 0  # absent needs no proof

    emulator.reset_stats()
    again = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator, state='absent'))
    assert not again.changed and writes(emulator, 'neo_api') == 0


def test_client_credentials_from_the_environment(module, emulator):
    env = {'SAP_NEO_OAUTH_CLIENT_ID': CLIENT, 'SAP_NEO_OAUTH_CLIENT_SECRET': DEMO['neo_oauth_client_secret']}
    args = client_args(emulator, client_id=None, client_secret=None)
    result = module.task('sapcloud.identity.scp_oauth_client', args, env=env)
    assert result.changed and not result.failed, result.msg
    assert result.data['client_id'] == CLIENT and holders(emulator) == [USER]
    assert_no_secret(json.dumps(result.data), DEMO['neo_oauth_client_secret'], users=(CLIENT,))


def test_missing_registration_names_the_cockpit_steps(module, emulator):
    emulator.seed('neo_oauth', {'remove': [CLIENT]})
    result = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator))
    assert result.failed
    for step in ('Security > OAuth > Clients > Register New Client', 'Subscription: %s/ipsproxy' % PROVIDER,
                 'ID: %s' % CLIENT, 'Confidential: on', 'Authorization Grant: Client Credentials',
                 'other than 0', 'HTTP 401'):
        assert step in result.msg
    assert_no_secret(json.dumps(result.data), DEMO['neo_oauth_client_secret'], users=(CLIENT,))
    assert emulator.requests('neo_api') == 0  # nothing assigned to an unproven client


def test_wrong_secret_fails_without_echo(module, emulator):
    result = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator, client_secret='Wrong-Secret-42'))
    assert result.failed and 'Register New Client' in result.msg
    assert path_count(emulator, 'neo_oauth', NEO_APP_TOKEN) == 1
    assert_no_secret(json.dumps(result.data), 'Wrong-Secret-42', DEMO['neo_platform_client_secret'])


def test_no_secret_in_verbose_output(ansible, emulator):
    """The module's ansible-playbook smoke run, with -vvv: a wrong secret, a client whose registration is gone, and
    (registered again) an assignment with the client credentials from the environment. No secret in any output."""
    env = {'SAP_NEO_OAUTH_CLIENT_ID': CLIENT, 'SAP_NEO_OAUTH_CLIENT_SECRET': DEMO['neo_oauth_client_secret']}
    control = emulator.url('neo_oauth') + '/_emulator/seed'
    oauth_client = 'sapcloud.identity.scp_oauth_client'
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'wrong secret', oauth_client: client_args(emulator, client_secret='Wrong-Secret-42'), 'ignore_errors': True},
        {'name': 'unregister', 'ansible.builtin.uri': {'url': control, 'method': 'POST', 'body_format': 'json',
                                                       'body': {'host': 'neo_oauth', 'data': {'remove': [CLIENT]}}}},
        {'name': 'unregistered', oauth_client: client_args(emulator), 'ignore_errors': True},
        {'name': 'register again', 'ansible.builtin.uri': {'url': control, 'method': 'POST', 'body_format': 'json',
                                                           'body': {'host': 'neo_oauth', 'data': 'demo'}}},
        {'name': 'from env', oauth_client: client_args(emulator, client_id=None, client_secret=None)}]}]
    run = ansible.playbook(play, env=env, verbosity=3)
    wrong, from_env, unregistered = run.task('wrong secret'), run.task('from env'), run.task('unregistered')
    assert wrong['failed'] and 'Register New Client' in wrong['result']['msg']
    assert from_env['changed'] and not from_env['failed'], from_env['result'].get('msg')
    assert from_env['result']['client_id'] == CLIENT and holders(emulator) == [USER]
    assert unregistered['failed'] and 'Register New Client' in unregistered['result']['msg']
    assert_no_secret(run.output, DEMO['neo_oauth_client_secret'], 'Wrong-Secret-42', DEMO['neo_platform_client_secret'],
                     users=(CLIENT,))


def test_more_roles_and_partial_state(module, emulator):
    emulator.seed('neo_api', {'subscriptions': [{'account': ACCOUNT, 'provider': PROVIDER, 'application': 'ipsproxy',
                                                 'roles': ['IPS_PROXY_USER', 'IPS_PROXY_READER']}]})
    assert module.task('sapcloud.identity.scp_oauth_client', client_args(emulator)).changed
    emulator.reset_stats()
    both = module.task('sapcloud.identity.scp_oauth_client',
                       client_args(emulator, roles=['IPS_PROXY_USER', 'IPS_PROXY_READER']))
    assert both.changed and both.data['roles'] == ['IPS_PROXY_USER', 'IPS_PROXY_READER']
    assert path_count(emulator, 'neo_api', 'PUT ' + ROLE_USERS) == 1  # only the missing one
    assert holders(emulator, 'IPS_PROXY_READER') == [USER]


def test_rate_limit_429_is_backed_off(module, emulator):
    """The API answers a bare 429 past its limit (100 a minute; here 1 in 0.3 s): the module waits and goes on."""
    emulator.fault(host='neo_api', action='rate_limit', limit=1, window=0.3)
    result = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator))
    assert result.changed and not result.failed, result.msg
    assert holders(emulator) == [USER]
    assert path_count(emulator, 'neo_api', 'PUT ' + ROLE_USERS) >= 2  # at least one 429 before the PUT went through


def test_platform_token_expiring_mid_run(ansible, emulator):
    control = emulator.url('neo_api') + '/_emulator/faults'
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'assign', 'sapcloud.identity.scp_oauth_client': client_args(emulator)},
        {'name': 'expire', 'ansible.builtin.uri': {'url': control, 'method': 'POST', 'body_format': 'json',
                                                   'body': {'host': 'neo_api', 'action': 'expire_tokens'}}},
        {'name': 'verify', 'sapcloud.identity.scp_oauth_client': client_args(emulator)}]}]
    run = ansible.playbook(play)
    assert run.rc == 0, run.output
    assert not run.task('verify')['changed']
    assert path_count(emulator, 'neo_api', NEO_TOKEN) == 2


def test_unlimited_platform_tokens_are_not_cached(module, emulator):
    emulator.fault(host='neo_api', action='token_lifetime', seconds=0)
    for attempt in (1, 2):
        assert not module.task('sapcloud.identity.scp_oauth_client', client_args(emulator)).failed
        assert path_count(emulator, 'neo_api', NEO_TOKEN) == attempt


@pytest.mark.parametrize('args, parameter', [
    ({'client_id': 'bad id'}, 'client_id'),
    ({'client_id': 'a;b'}, 'client_id'),
    ({'client_secret': None}, 'client_secret'),
    ({'client_secret': ''}, 'client_secret'),
    ({'roles': []}, 'roles'),
    ({'roles': ['A;B']}, 'roles'),
    ({'consumer_subaccount': None}, 'subaccount'),
    ({'provider_subaccount': 'bad/account'}, 'provider_subaccount'),
    ({'application': 'IPS Proxy'}, 'application'),
    ({'proxy_url': None}, 'proxy_url or landscape_host'),
    ({'platform_client_id': None}, 'platform_client_id'),
    ({'api_url': ' '}, 'api_url must be a full base URL'),
])
def test_bad_input_fails_before_any_request(module, emulator, args, parameter):
    emulator.reset_stats()
    result = module.task('sapcloud.identity.scp_oauth_client', client_args(emulator, **args))
    assert result.failed and parameter in result.msg, result.msg
    assert btp_requests(emulator) == 0


def test_emulated_app_tokens_are_verifiable(tmp_path):
    """The IPS proxy emulator checks tokens of the registered client through NeoOAuth.validate_app_token."""
    topology = [{'name': 'neo_api', 'kind': 'neo_api'}, {'name': 'neo_configapi', 'kind': 'neo_configapi'},
                {'name': 'neo_oauth', 'kind': 'neo_oauth'}]
    kinds = {'neo_api': NeoApi, 'neo_configapi': NeoConfigApi, 'neo_oauth': NeoOAuth}
    emu = Emulator(topology, kinds, state_dir=str(tmp_path))
    for service in emu.services.values():
        service.seed(service.demo_seed())
    emu.start()
    try:
        oauth = emu.services['neo_oauth']
        url = oauth.url + '/oauth2/api/v1/token'
        auth = (CLIENT, DEMO['neo_oauth_client_secret'])
        token = requests.post(url, params={'grant_type': 'client_credentials'}, auth=auth, timeout=10).json()
        assert token['token_type'] == 'Bearer' and token['expires_in'] > 0
        assert oauth.validate_app_token(token['access_token']) == CLIENT
        assert oauth.validate_app_token('forged') is None
        assert requests.post(url, data={'grant_type': 'client_credentials', 'client_id': CLIENT,
                                        'client_secret': auth[1]}, timeout=10).status_code == 401
        assert emu.services['neo_api'].holds_role(ACCOUNT, PROVIDER, 'ipsproxy', 'IPS_PROXY_USER', USER) is False
        oauth.inject('expire_tokens', {})
        assert oauth.validate_app_token(token['access_token']) is None
    finally:
        emu.stop()
