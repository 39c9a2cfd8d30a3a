"""scp_destination and scp_destination_info on the Cloud Foundry Destination service (emulated), and the emulator's
answers checked against SAP's OpenAPI spec of that service."""

import json
import os
import re

import pytest
import requests
import yaml
from openapi_schema_validator import OAS30Validator

from btp_support import CF_TOKEN, btp_requests, cf_service_key, writes
from helpers import assert_no_secret, path_count
from emulator.demo import DEMO
from emulator.services.cf import DEMO_INSTANCE_ID

HOST = 'cf_destination'
PASSWORD = 'Dest-Pass-Ü1-very-secret'
NEW_PASSWORD = 'Dest-Pass-2-rotated-secret'
SPEC_NAME = 'sap-destination-service-cf.openapi.yaml'


def spec_candidates():
    """SAP's published OpenAPI spec is not part of the repository: $SAPCLOUD_SAP_SPECS/<name>, else a shared/specs
    folder next to the checkout or one of its parents."""
    if os.environ.get('SAPCLOUD_SAP_SPECS'):
        yield os.path.join(os.environ['SAPCLOUD_SAP_SPECS'], SPEC_NAME)
    folder = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    while os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        yield os.path.join(folder, 'shared', 'specs', SPEC_NAME)


@pytest.fixture(autouse=True)
def clean(emulator):
    emulator.reset(HOST)
    emulator.reset('cf_uaa')
    yield
    emulator.clear_faults()


def dest(emulator, **args):
    base = {'platform': 'cf', 'service_key': cf_service_key(emulator), 'name': 'S4HC_CF',
            'url': 'https://my123456-api.s4hana.ondemand.com', 'authentication': 'BasicAuthentication',
            'user': 'COMM_USER', 'password': PASSWORD, 'description': 'S/4HANA Cloud'}
    base.update(args)
    return dict((k, v) for k, v in base.items() if v is not None)


def stored(emulator, name='S4HC_CF', level='subaccount'):
    owner = DEMO['cf_subaccount_id'] if level == 'subaccount' else DEMO_INSTANCE_ID
    return emulator.state(HOST)[level].get(owner, {}).get(name)


def test_lifecycle(module, ansible, emulator):
    check = module.task('sapcloud.identity.scp_destination', dest(emulator), check=True, diff=True)
    assert check.changed and not check.failed, check.msg
    assert writes(emulator, HOST) == 0
    assert stored(emulator) is None

    created = module.task('sapcloud.identity.scp_destination', dest(emulator))
    assert created.changed and created.data['actions'] == ['create']
    assert stored(emulator)['Password'] == PASSWORD
    assert 'Password' not in created.data['destination']
    assert created.data['destination']['URL'] == 'https://my123456-api.s4hana.ondemand.com'
    assert path_count(emulator, HOST, 'POST /destination-configuration/v1/subaccountDestinations') == 1

    emulator.reset_stats()
    again = module.task('sapcloud.identity.scp_destination', dest(emulator))
    assert not again.changed and not again.failed
    assert writes(emulator, HOST) == 0
    assert emulator.requests(HOST) == 1  # one GET
    assert path_count(emulator, 'cf_uaa', CF_TOKEN) == 0  # the cached token

    emulator.reset_stats()
    updated = module.task('sapcloud.identity.scp_destination', dest(emulator, description='changed', properties={
        'Preemptive': True, 'sap-client': 100}), diff=True)
    assert updated.changed and updated.data['actions'] == ['update']
    assert updated.data['changed_properties'] == ['Description', 'Preemptive', 'sap-client']
    assert stored(emulator)['sap-client'] == '100' and stored(emulator)['Preemptive'] == 'true'
    assert path_count(emulator, HOST, 'PUT /destination-configuration/v1/subaccountDestinations') == 1

    # CF reads the password back, so a changed password is found and written.
    emulator.reset_stats()
    # The module's ansible-playbook smoke run: an update with -vvv and --diff.
    rotated = ansible.task('sapcloud.identity.scp_destination', dest(emulator, description='changed',
                                                                     password=NEW_PASSWORD), diff=True, verbosity=3)
    assert rotated.changed and rotated.data['changed_properties'] == ['Password']
    assert stored(emulator)['Password'] == NEW_PASSWORD
    assert stored(emulator)['sap-client'] == '100'  # properties not given: left alone
    assert_no_secret(rotated.run.output, PASSWORD, NEW_PASSWORD, DEMO['cf_client_secret'], users=(DEMO['cf_client_id'],))
    assert rotated.data['diff']['before']['Password'] == rotated.data['diff']['after']['Password'] == '********'

    emulator.reset_stats()
    purged = module.task('sapcloud.identity.scp_destination', dest(emulator, description='changed',
                                                                   password=NEW_PASSWORD, properties={}))
    assert purged.changed and purged.data['changed_properties'] == ['Preemptive', 'sap-client']
    assert 'sap-client' not in stored(emulator)

    emulator.reset_stats()
    gone = module.task('sapcloud.identity.scp_destination', dest(emulator, state='absent'), diff=True)
    assert gone.changed and stored(emulator) is None
    assert path_count(emulator, HOST, 'DELETE /destination-configuration/v1/subaccountDestinations/S4HC_CF') == 1
    assert_no_secret(json.dumps(gone.data), NEW_PASSWORD)

    emulator.reset_stats()
    again = module.task('sapcloud.identity.scp_destination', dest(emulator, state='absent'))
    assert not again.changed and not again.failed
    assert writes(emulator, HOST) == 0


def test_instance_level_and_nested_key(module, emulator):
    args = dest(emulator, level='instance', service_key=json.dumps(cf_service_key(emulator, nested=True)))
    created = module.task('sapcloud.identity.scp_destination', args)
    assert created.changed, created.msg
    assert path_count(emulator, HOST, 'POST /destination-configuration/v1/instanceDestinations') == 1
    assert stored(emulator, level='instance')['User'] == 'COMM_USER' and stored(emulator) is None
    assert not module.task('sapcloud.identity.scp_destination', args).changed
    info = module.task('sapcloud.identity.scp_destination_info', {
        'platform': 'cf', 'level': 'instance', 'service_key': args['service_key'], 'query': '[].Name'})
    assert info.data['query_result'] == ['S4HC_CF']
    assert 'Password' not in info.data['destinations'][0]


def test_duplicate_key_converges(module, emulator):
    """A POST answered 409 (created meanwhile by someone else) is overwritten with a PUT by the client, not a
    failure: the run's create is an upsert."""
    emulator.seed(HOST, {'subaccount': {DEMO['cf_subaccount_id']: {'S4HC_CF': {
        'Name': 'S4HC_CF', 'Type': 'HTTP', 'URL': 'https://old.example.com', 'ProxyType': 'Internet',
        'Authentication': 'NoAuthentication'}}}})
    # The module's first read misses it, as if the other writer came between our GET and POST.
    emulator.fault(host=HOST, method='GET', path='/subaccountDestinations/S4HC_CF$', status=404,
                   body=json.dumps({'ErrorMessage': 'Configuration with the specified name was not found'}),
                   headers={'Content-Type': 'application/json'}, count=1)
    result = module.task('sapcloud.identity.scp_destination', dest(emulator))
    assert result.changed and not result.failed, result.msg
    assert result.data['actions'] == ['create']
    assert stored(emulator)['URL'] == 'https://my123456-api.s4hana.ondemand.com'
    assert stored(emulator)['Password'] == PASSWORD
    paths = emulator.stats()['hosts'][HOST]['paths']
    assert paths['POST /destination-configuration/v1/subaccountDestinations'] == 1
    assert paths['PUT /destination-configuration/v1/subaccountDestinations'] == 1


def test_token_expiring_mid_run_is_refreshed_once(ansible, emulator):
    key = cf_service_key(emulator)
    control = emulator.url('cf_uaa') + '/_emulator/faults'
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'first', 'sapcloud.identity.scp_destination': dest(emulator, service_key=key)},
        {'name': 'expire', 'ansible.builtin.uri': {'url': control, 'method': 'POST', 'body_format': 'json',
                                                   'body': {'host': 'cf_uaa', 'action': 'expire_tokens'}}},
        {'name': 'second', 'sapcloud.identity.scp_destination': dest(emulator, service_key=key, description='x')},
        {'name': 'third', 'sapcloud.identity.scp_destination_info': {'platform': 'cf', 'service_key': key}},
    ]}]
    run = ansible.playbook(play)
    assert run.rc == 0, run.output
    assert run.task('second')['changed']
    assert path_count(emulator, 'cf_uaa', CF_TOKEN) == 2  # the first, then one refresh after the 401
    assert path_count(emulator, HOST, 'GET /destination-configuration/v1/subaccountDestinations/S4HC_CF') == 3


def test_401_on_cached_token_refreshes_once_then_fails_cleanly(module, emulator):
    assert module.task('sapcloud.identity.scp_destination', dest(emulator)).changed
    emulator.fault(host='cf_uaa', action='expire_tokens')
    emulator.reset_stats()
    assert not module.task('sapcloud.identity.scp_destination', dest(emulator)).failed
    assert path_count(emulator, 'cf_uaa', CF_TOKEN) == 1
    assert emulator.requests(HOST) == 2  # 401, then the same GET with the new token

    emulator.reset_stats()
    emulator.fault(host=HOST, status=401, body='Unauthorized', count=10)
    failed = module.task('sapcloud.identity.scp_destination', dest(emulator))
    assert failed.failed and 'HTTP 401' in failed.msg
    assert emulator.requests(HOST) == 2 and path_count(emulator, 'cf_uaa', CF_TOKEN) == 1


def test_token_endpoint_429_honours_retry_after(module, emulator):
    emulator.fault(host='cf_uaa', method='POST', path='/oauth/token', status=429,
                   headers={'Retry-After': '2'}, body='Too Many Requests', count=1)
    result = module.task('sapcloud.identity.scp_destination', dest(emulator))
    assert result.changed and not result.failed, result.msg
    assert path_count(emulator, 'cf_uaa', CF_TOKEN) == 2


@pytest.mark.parametrize('args, parameter', [
    ({'name': 'has blank'}, 'name'),
    ({'name': 'x' * 201}, 'name'),
    ({'name': 'a/b'}, 'name'),
    ({'url': None}, 'url'),
    ({'password': None}, 'password'),
    ({'authentication': 'NoAuthentication'}, 'user and password'),
    ({'level': 'application'}, 'level'),
    ({'properties': {'URL': 'https://x'}}, 'properties'),
    ({'service_key': {'url': 'https://uaa', 'clientid': 'x'}}, 'service_key'),
    ({'service_key': 'not json'}, 'service_key'),
])
def test_bad_input_fails_before_any_request(module, emulator, args, parameter):
    emulator.reset_stats()
    result = module.task('sapcloud.identity.scp_destination', dest(emulator, **args))
    assert result.failed
    assert parameter in result.msg
    assert btp_requests(emulator) == 0
    assert PASSWORD not in json.dumps(result.data)


def test_bad_client_secret_fails_without_echo(ansible, emulator):
    key = dict(cf_service_key(emulator), clientsecret='Wrong-Client-Secret-9')
    result = ansible.task('sapcloud.identity.scp_destination', dest(emulator, service_key=key), verbosity=3)
    assert result.failed and 'HTTP 401' in result.msg and 'Bad credentials' in result.msg
    assert path_count(emulator, 'cf_uaa', CF_TOKEN) == 1  # Basic auth on the token endpoint: never retried
    assert_no_secret(result.run.output, 'Wrong-Client-Secret-9', PASSWORD)


def test_password_echoed_by_server_is_scrubbed(module, ansible, emulator):
    module.task('sapcloud.identity.scp_destination', dest(emulator))
    # A server error quoting the stored password must not reach the user.
    emulator.fault(host=HOST, method='PUT', status=400,
                   body=json.dumps({'ErrorMessage': 'invalid value %s for Password' % PASSWORD}),
                   headers={'Content-Type': 'application/json'})
    result = ansible.task('sapcloud.identity.scp_destination', dest(emulator, password=NEW_PASSWORD), verbosity=3)
    assert result.failed and 'HTTP 400' in result.msg and 'PUT /destination-configuration' in result.msg
    assert_no_secret(result.run.output, PASSWORD, NEW_PASSWORD)


# --- the emulator against SAP's OpenAPI spec ------------------------------------------------------------------

def any_item(schema, spec):
    """The spec says oneOf [Destination, NameOnly] for list items, but every Destination also matches NameOnly,
    so no list of full destinations could pass oneOf: anyOf is what the spec means."""
    return {'type': 'array', 'items': {'anyOf': schema['items']['oneOf']}}


def bulk_delete_object(schema, spec):
    """The spec's BulkDelete schema says type string next to object properties; its own example is an object."""
    resolved = dict(spec['components']['schemas']['BulkDelete'], type='object')
    assert schema == {'$ref': '#/components/schemas/BulkDelete'}
    return resolved


def load_spec():
    for path in spec_candidates():
        if os.path.exists(path):
            with open(path) as handle:
                return yaml.safe_load(handle)
    pytest.skip('SAP OpenAPI spec of the Destination service (%s) not found: set SAPCLOUD_SAP_SPECS to its folder'
                % SPEC_NAME)


class SpecChecker:
    """Checks one response against the spec's operation: documented status, headers, body schema."""

    def __init__(self, spec):
        self.spec = spec

    def schema(self, path, method, status):
        operation = self.spec['paths'][path][method.lower()]
        assert str(status) in operation['responses'], '%s %s: status %s not in the spec' % (method, path, status)
        response = operation['responses'][str(status)]
        content = response.get('content') or {}
        return response, (next(iter(content.values()))['schema'] if content else None)

    def validate(self, value, schema):
        OAS30Validator(dict(schema, components=self.spec['components'])).validate(value)

    def check(self, path, response, correct=None):
        spec_response, schema = self.schema(path, response.request.method, response.status_code)
        for header in spec_response.get('headers') or {}:
            if header == 'ETag' and response.status_code == 200:
                assert response.headers.get('ETag')
        if schema is None:
            return
        is_json = response.headers.get('Content-Type', '').startswith('application/json') and response.content
        value = response.json() if is_json else response.text
        self.validate(value, correct(schema, self.spec) if correct else schema)
        return value


def test_emulator_answers_as_the_spec_says(emulator):
    spec = load_spec()
    checker = SpecChecker(spec)
    token = requests.post(emulator.url('cf_uaa') + '/oauth/token', data={'grant_type': 'client_credentials'},
                          auth=(DEMO['cf_client_id'], DEMO['cf_client_secret']), timeout=10).json()['access_token']
    http = requests.Session()
    http.headers['Authorization'] = 'Bearer ' + token
    for level in ('subaccountDestinations', 'instanceDestinations'):
        collection, item = '/v1/%s' % level, '/v1/%s/{destination name}' % level
        base = emulator.url(HOST) + '/destination-configuration' + collection
        one = {'Name': 'SPEC_ONE', 'Type': 'HTTP', 'URL': 'https://one.example.com', 'ProxyType': 'Internet',
               'Authentication': 'BasicAuthentication', 'User': 'U', 'Password': 'P'}
        checker.validate(one, spec['components']['schemas']['Destination'])

        created = http.post(base, json=one)
        # Single create: 201 with an empty body (the spec's own example value is '').
        assert created.status_code == 201 and created.content == b''
        duplicate = http.post(base, json=one)
        assert checker.check(collection, duplicate) == {'ErrorMessage': 'Duplicate key'}
        bulk = http.post(base, json=[{'Name': 'SPEC_TWO', 'Type': 'HTTP'}, {'Name': 'SPEC_ONE', 'Type': 'HTTP'}])
        assert bulk.status_code == 207 and [r['status'] for r in checker.check(collection, bulk)] == [201, 409]

        got = http.get(base + '/SPEC_ONE')
        assert checker.check(item, got)['Password'] == 'P'
        assert http.get(base + '/SPEC_ONE', headers={'If-None-Match': got.headers['ETag']}).status_code == 304
        checker.check(item, http.get(base + '/SPEC_ONE', headers={'If-Match': 'stale'}))

        listed = checker.check(collection, http.get(base), correct=any_item)
        assert [d['Name'] for d in listed] == ['SPEC_ONE', 'SPEC_TWO']
        assert checker.check(collection, http.get(base, params={'$select': 'Name'}), correct=any_item) == [
            {'Name': 'SPEC_ONE'}, {'Name': 'SPEC_TWO'}]
        paged = http.get(base, params={'$page': '1', '$pageSize': '1', '$pageCount': 'true', '$entityCount': 'true'})
        checker.check(collection, paged, correct=any_item)
        assert paged.headers['Page-Count'] == '2' and paged.headers['Entity-Count'] == '2'
        assert re.search(r"\$page=2&\$pageSize=1>; rel='next'", paged.headers['Link'])

        assert checker.check(collection, http.put(base, json=dict(one, URL='https://two.example.com'))) == {'Count': 1}
        checker.check(collection, http.put(base, json=dict(one, Name='SPEC_MISSING')))
        checker.check(collection, http.post(base, json={'Name': 'bad name', 'Type': 'HTTP'}))
        checker.check(item, requests.get(base + '/SPEC_ONE', timeout=10))  # 401 without a token

        assert checker.check(item, http.delete(base + '/SPEC_ONE')) == {'Count': 1}
        bulk_delete = http.delete(base, params={'$filter': "Name in ('SPEC_TWO','SPEC_GONE')"})
        summary = checker.check(collection, bulk_delete, correct=bulk_delete_object)['Summary']
        assert [s['status'] for s in summary] == ['DELETED', 'NOT_FOUND']
        assert checker.check(collection, http.get(base), correct=any_item) == []

        # Documented deviation (tests/emulator/README.md): 404 on one destination answers the JSON ErrorMessage
        # recorded from the real service, where the spec's schema is a plain string.
        for missing in (http.get(base + '/SPEC_ONE'), http.delete(base + '/SPEC_ONE')):
            checker.schema(item, missing.request.method, 404)
            checker.validate(missing.json(), spec['components']['schemas']['JsonErrorMessage'])
