"""module_utils transport.py, odata.py and state.py against mocked HTTP (the `responses` library)."""

import json

import pytest
import requests
import responses

# The collection is importable through the finder tests/unit/conftest.py installs.
from ansible_collections.sapcloud.identity.plugins.module_utils import transport as http_utils
from ansible_collections.sapcloud.identity.plugins.module_utils.transport import ApiError, HttpClient, create_confirmed
from ansible_collections.sapcloud.identity.plugins.module_utils.odata import (
    ODataService, any_of, describe_odata_error, eq_filter, key_path, literal, strip_annotations)
from ansible_collections.sapcloud.identity.plugins.module_utils.base import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.state import Ensure, changes, masked, same, without

BASE = 'https://tenant-api.example.com'
SERVICE = '/sap/opu/odata4/sap/svc/srvd_a2x/sap/svc/0001'
URL = BASE + SERVICE


@pytest.fixture(autouse=True)
def no_delays(monkeypatch):
    """Back-off delays are recorded (unscaled), never slept."""
    monkeypatch.setenv('SAPCLOUD_RETRY_DELAY_SCALE', '0')
    delays = []
    monkeypatch.setattr(HttpClient, '_sleep', staticmethod(delays.append))
    monkeypatch.setattr(http_utils.time, 'sleep', lambda seconds: None)
    return delays


def basic_client(**kwargs):
    return HttpClient(BASE, auth=('COMM_USER', 'Secret-Password-For-Tests-1'), **kwargs)


class Tokens:
    """A Bearer token source that hands out token-1, token-2, ..."""

    def __init__(self):
        self.issued = 0
        self.invalidated = 0

    def token(self):
        if self.issued == self.invalidated:
            self.issued += 1
        return 'token-%d' % self.issued

    def invalidate(self):
        self.invalidated = self.issued


# ---- transport.py ----

@responses.activate
def test_429_honours_retry_after(no_delays):
    responses.get(BASE + '/x', status=429, headers={'Retry-After': '7'})
    responses.get(BASE + '/x', json={'ok': True})
    assert basic_client().get_json('/x') == {'ok': True}
    assert len(responses.calls) == 2 and no_delays == [7.0]


@responses.activate
def test_429_without_retry_after_backs_off(no_delays):
    responses.get(BASE + '/x', status=429)
    responses.get(BASE + '/x', status=429, headers={'Retry-After': 'soon'})
    responses.get(BASE + '/x', json={})
    basic_client().get_json('/x')
    assert len(responses.calls) == 3
    assert no_delays[0] > 0 and no_delays[1] > no_delays[0]


@responses.activate
def test_503_backs_off_then_gives_up(no_delays):
    for _attempt in range(10):
        responses.get(BASE + '/x', status=503, body='busy')
    with pytest.raises(ApiError) as info:
        basic_client().request('GET', '/x')
    assert len(responses.calls) == http_utils.MAX_RETRIES + 1
    assert info.value.status == 503 and info.value.retriable
    assert no_delays == sorted(no_delays) and no_delays[0] >= 1.0


@pytest.mark.parametrize('status', [401, 403])
@responses.activate
def test_basic_auth_401_and_403_are_never_retried(status):
    responses.get(BASE + '/x', status=status, body='<html><head><title>Logon failed</title></head></html>',
                  content_type='text/html')
    with pytest.raises(ApiError) as info:
        basic_client().request('GET', '/x')
    assert len(responses.calls) == 1
    assert info.value.status == status and 'Logon failed' in info.value.message
    if status == 401:
        assert 'not retried' in str(info.value)


@responses.activate
def test_bearer_401_refreshes_the_token_once():
    responses.get(BASE + '/x', status=401)
    responses.get(BASE + '/x', json={'ok': 1})
    tokens = Tokens()
    assert HttpClient(BASE, token_source=tokens).get_json('/x') == {'ok': 1}
    assert [c.request.headers['Authorization'] for c in responses.calls] == ['Bearer token-1', 'Bearer token-2']


@responses.activate
def test_bearer_second_401_fails():
    responses.get(BASE + '/x', status=401)
    responses.get(BASE + '/x', status=401)
    responses.get(BASE + '/x', json={})
    with pytest.raises(ApiError) as info:
        HttpClient(BASE, token_source=Tokens()).request('GET', '/x')
    assert info.value.status == 401 and len(responses.calls) == 2


@responses.activate
def test_post_is_not_retried_on_503_but_on_429():
    responses.post(BASE + '/x', status=503)
    with pytest.raises(ApiError) as info:
        basic_client().request('POST', '/x', json_body={})
    assert len(responses.calls) == 1 and info.value.retriable
    responses.reset()
    responses.post(BASE + '/x', status=429)
    responses.post(BASE + '/x', status=201, json={'id': 1})
    assert basic_client().request('POST', '/x', json_body={}).status_code == 201
    assert len(responses.calls) == 2


@responses.activate
def test_post_connection_error_is_not_repeated_by_the_client():
    responses.post(BASE + '/x', body=requests.exceptions.ConnectionError('reset by peer'))
    with pytest.raises(ApiError) as info:
        basic_client().request('POST', '/x', json_body={})
    assert len(responses.calls) == 1 and info.value.retriable and info.value.status is None


def test_create_confirmed_repeats_only_when_a_read_shows_absence():
    calls = []

    def failing_then_ok():
        calls.append('post')
        if len(calls) == 1:
            raise ApiError('timeout', 'POST', BASE + '/x', retriable=True)
        return {'id': 'new'}

    assert create_confirmed(failing_then_ok, lambda: calls.append('find')) == {'id': 'new'}
    assert calls == ['post', 'find', 'post']

    calls[:] = []

    def applied_anyway():
        calls.append('post')
        raise ApiError('timeout', 'POST', BASE + '/x', retriable=True)

    assert create_confirmed(applied_anyway, lambda: calls.append('find') or {'id': 'there'}) == {'id': 'there'}
    assert calls == ['post', 'find']

    def refused():
        raise ApiError('bad', 'POST', BASE + '/x', 400)
    with pytest.raises(ApiError):
        create_confirmed(refused, lambda: pytest.fail('no read after a clean refusal'))


@responses.activate
def test_api_error_fields_v4_v2_and_header_transaction_id():
    responses.get(BASE + '/v4', status=400, json={'error': {
        'code': 'CM_APS_CS/025', 'message': 'Host name is missing',
        'details': [{'code': 'X', 'message': 'detail text'}],
        'innererror': {'ErrorDetails': {'@SAP__common.TransactionId': 'TXN-V4'}}}})
    responses.get(BASE + '/v2', status=404, json={'error': {
        'code': '/IWBEP/CM/001', 'message': {'lang': 'en', 'value': 'Resource not found'},
        'innererror': {'transactionid': 'TXN-V2'}}})
    responses.get(BASE + '/text', status=500, body='boom', headers={'sap-transactionid': 'TXN-HDR'})
    client = basic_client()
    errors = {}
    for path in ('/v4', '/v2', '/text'):
        with pytest.raises(ApiError) as info:
            client.request('GET', path, idempotent=False)
        errors[path] = info.value
    v4 = errors['/v4']
    assert (v4.method, v4.path, v4.status, v4.code, v4.transaction_id) == ('GET', '/v4', 400, 'CM_APS_CS/025', 'TXN-V4')
    assert 'Host name is missing' in v4.message and 'detail text' in v4.message
    assert str(v4) == 'GET /v4 failed (HTTP 400): %s [transaction id TXN-V4]' % v4.message
    assert errors['/v2'].message == 'Resource not found' and errors['/v2'].transaction_id == 'TXN-V2'
    assert errors['/text'].message == 'boom' and errors['/text'].transaction_id == 'TXN-HDR'
    assert v4.as_dict()['transaction_id'] == 'TXN-V4'


@responses.activate
def test_headers_and_secrets():
    responses.get(BASE + '/x', status=400, body='echo Secret-Password-For-Tests-1')
    client = basic_client()
    with pytest.raises(ApiError) as info:
        client.request('GET', '/x')
    sent = responses.calls[0].request.headers
    assert sent['Accept-Language'] == 'en' and sent['Accept'] == 'application/json'
    assert sent['Authorization'].startswith('Basic ')
    assert 'Secret-Password-For-Tests-1' not in str(info.value)


# ---- odata.py ----

def test_literals_and_filters():
    assert literal("O'Brien") == "'O''Brien'"
    assert literal("''") == "''''''"
    assert literal('3fa85f64-5717-4562-b3fc-2c963f66afa6') == '3fa85f64-5717-4562-b3fc-2c963f66afa6'
    assert literal(True) == 'true' and literal(None) == 'null' and literal(443) == '443'
    assert eq_filter(Name="a'b", ID='X') == "ID eq 'X' and Name eq 'a''b'"
    assert any_of('Name', ['A', "B'"]) == "Name eq 'A' or Name eq 'B'''"
    assert key_path('CommunicationUsers', 'CC0000000001') == "CommunicationUsers('CC0000000001')"
    assert key_path('CommunicationSystems', '3fa85f64-5717-4562-b3fc-2c963f66afa6') == \
        'CommunicationSystems(3fa85f64-5717-4562-b3fc-2c963f66afa6)'


def test_strip_annotations():
    entity = {'@odata.etag': 'W/"1"', 'ID': 'X', 'Users': [{'@odata.etag': 'W/"2"', 'Name': 'U'}], 'Items@odata.count': 1}
    assert strip_annotations(entity) == {'ID': 'X', 'Users': [{'Name': 'U'}]}


def odata(use_etag=True):
    return ODataService(HttpClient(BASE, auth=('U', 'Secret-Password-For-Tests-1'), error_parser=describe_odata_error),
                        SERVICE, use_etag=use_etag)


@responses.activate
def test_csrf_token_comes_with_the_first_get_only():
    responses.get(URL + '/Things', json={'value': [{'ID': 'A'}]}, headers={'x-csrf-token': 'tok-1'})
    responses.post(URL + '/Things', status=201, json={'ID': 'B'})
    service = odata()
    assert service.list('Things', filter="ID eq 'A'") == [{'ID': 'A'}]
    service.list('Things')
    assert service.create('Things', {'ID': 'B'}) == {'ID': 'B'}
    fetch = [c.request.headers.get('X-CSRF-Token') for c in responses.calls]
    assert fetch == ['Fetch', None, 'tok-1']
    assert "%24filter=ID+eq+%27A%27" in responses.calls[0].request.url


@responses.activate
def test_write_without_a_read_fetches_from_the_service_root():
    responses.get(URL + '/', json={'value': []}, headers={'x-csrf-token': 'tok-root'})
    responses.patch(URL + "/Things('A')", status=204)
    odata().update("Things('A')", {'Name': 'n'})
    assert [c.request.method for c in responses.calls] == ['GET', 'PATCH']
    assert responses.calls[1].request.headers['X-CSRF-Token'] == 'tok-root'


@responses.activate
def test_csrf_required_refetches_once():
    responses.get(URL + '/Things', json={'value': []}, headers={'x-csrf-token': 'old'})
    responses.post(URL + '/Things', status=403, body='CSRF-Token-Validierung ist fehlgeschlagen',
                   headers={'x-csrf-token': 'Required'})
    responses.get(URL + '/', json={}, headers={'x-csrf-token': 'new'})
    responses.post(URL + '/Things', status=201, json={'ID': 'B'})
    service = odata()
    service.list('Things')
    assert service.create('Things', {'ID': 'B'}) == {'ID': 'B'}
    assert [(c.request.method, c.request.headers.get('X-CSRF-Token')) for c in responses.calls] == [
        ('GET', 'Fetch'), ('POST', 'old'), ('GET', 'Fetch'), ('POST', 'new')]


@responses.activate
def test_csrf_required_twice_fails():
    responses.get(URL + '/', json={}, headers={'x-csrf-token': 'tok'})
    responses.delete(URL + "/Things('A')", status=403, body='x', headers={'x-csrf-token': 'Required'})
    with pytest.raises(ApiError) as info:
        odata().delete("Things('A')")
    assert info.value.code == 'csrf-required' and info.value.message == 'CSRF token validation failed'
    assert [c.request.method for c in responses.calls] == ['GET', 'DELETE', 'GET', 'DELETE']


def test_plain_403_is_not_taken_for_csrf():
    response = requests.Response()
    response.status_code = 403
    response._content = b'CSRF token validation failed'
    assert describe_odata_error(response)[1] != 'csrf-required'


@pytest.mark.parametrize('use_etag', [True, False])
@responses.activate
def test_if_match_sent_with_the_etag(use_etag):
    responses.get(URL + '/', json={}, headers={'x-csrf-token': 'tok'})
    responses.patch(URL + "/Things('A')", status=204)
    odata(use_etag).update("Things('A')", {'Name': 'n'}, etag='W/"42"')
    assert responses.calls[1].request.headers.get('If-Match') == ('W/"42"' if use_etag else None)
    assert json.loads(responses.calls[1].request.body) == {'Name': 'n'}


@responses.activate
def test_delete_of_a_missing_entity_and_read_of_missing():
    responses.get(URL + "/Things('A')", status=404, json={'error': {'code': 'NF', 'message': 'gone'}},
                  headers={'x-csrf-token': 'tok'})
    responses.delete(URL + "/Things('A')", status=404, json={'error': {'code': 'NF', 'message': 'gone'}})
    service = odata()
    assert service.read("Things('A')") is None
    assert service.delete("Things('A')") is False


# ---- state.py ----

def test_same_and_changes():
    assert same(443, '443') and same('443', 443)
    assert not same(True, 'true') and same(False, False) and not same(False, 0)
    assert same([{'a': 1}, {'b': 2}], [{'b': 2}, {'a': 1}])
    assert same({'a': 1, 'b': None}, {'a': 1, 'c': 3})
    desired = {'Name': 'n', 'Port': 443, 'Host': None, 'Password': 'p'}
    assert changes(desired, {'Name': 'n', 'Port': '443'}, write_only=('Password',)) == {}
    assert changes(desired, {'Name': 'm', 'Port': 80}) == {'Name': 'n', 'Port': 443, 'Password': 'p'}
    assert changes({'Name': 'n'}, None) == {'Name': 'n'}


def test_masked_and_without():
    obj = {'Name': 'n', 'Password': 'p', 'Users': [{'Password': 'q', 'Name': 'u'}, {'Password': None}]}
    assert masked(obj, {'Password'}) == {'Name': 'n', 'Password': '********',
                                         'Users': [{'Password': '********', 'Name': 'u'}, {'Password': None}]}
    assert without(obj, {'Password'}) == {'Name': 'n', 'Users': [{'Name': 'u'}, {}]}


class FakeModule:
    def __init__(self, check_mode):
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


@pytest.mark.parametrize('check_mode', [True, False])
def test_ensure_create_update_delete(check_mode):
    writes = []
    ensure = Ensure(FakeModule(check_mode), ('Password',))
    created = ensure.present(None, {'Name': 'n', 'Password': 'p'},
                             create=lambda d: writes.append('create') or dict(d, ID='1'), update=None)
    assert ensure.changed and ensure.actions == ['create']
    assert writes == ([] if check_mode else ['create'])
    assert created.get('ID') == (None if check_mode else '1')
    result = ensure.result(user=created)
    assert result['diff']['after']['Password'] == '********' and 'Password' not in result['user']

    ensure = Ensure(FakeModule(check_mode), ('Password',))
    current = {'ID': '1', 'Name': 'n', 'Description': 'old'}
    after = ensure.present(current, {'Name': 'n', 'Description': 'new', 'Password': 'p'}, create=None,
                           update=lambda cur, delta: writes.append(('update', delta)), write_only=('Password',))
    assert after['Description'] == 'new' and ensure.actions == ['update']
    assert ensure.diff() == {'before': current, 'after': dict(current, Description='new')}
    if not check_mode:
        assert writes[-1] == ('update', {'Description': 'new'})

    ensure = Ensure(FakeModule(check_mode), ('Password',))
    ensure.present(current, {'Name': 'n', 'Password': 'p'}, create=None,
                   update=lambda cur, delta: writes.append(('update', delta)), write_only=('Password',),
                   update_password='always')
    assert ensure.changed and ensure.diff()['after']['Password'] == '********'

    ensure = Ensure(FakeModule(check_mode), ())
    assert ensure.absent(current, lambda c: writes.append('delete')) is True
    assert ('delete' in writes) is not check_mode
    ensure = Ensure(FakeModule(check_mode), ())
    assert ensure.absent(None, lambda c: pytest.fail('nothing to delete')) is False and not ensure.changed


def test_ensure_unchanged_makes_no_write():
    ensure = Ensure(FakeModule(False), ('Password',))
    current = {'ID': '1', 'Name': 'n'}
    assert ensure.present(current, {'Name': 'n', 'Password': 'p'}, create=None, update=lambda c, d: pytest.fail('write'),
                          write_only=('Password',)) is current
    assert ensure.result() == {'changed': False, 'diff': {'before': {}, 'after': {}}, 'actions': []}


def test_a_missing_reference_fails_a_real_run_and_warns_in_check_mode():
    with pytest.raises(ValidationError, match='^system_id: communication system X does not exist$'):
        Ensure(FakeModule(False)).missing('system_id: communication system X does not exist')
    module = FakeModule(True)
    ensure = Ensure(module)
    ensure.missing('system_id: communication system X does not exist')
    assert not ensure.changed and len(module.warnings) == 1
    assert module.warnings[0].startswith('system_id: communication system X does not exist yet; check mode goes on')
