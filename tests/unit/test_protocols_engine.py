"""module_utils protocols/http_client.py, protocols/odata.py and engine/desired_state.py against mocked HTTP (the `responses`
library)."""

import json
import os
import socket
import ssl
import sys
import threading

import pytest
import requests
import responses

# The collection is importable through the finder tests/unit/conftest.py installs.
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import (
    Ensure, changes, masked, same, without)
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols import http_client as http_utils
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import (
    ApiError, HttpClient, create_confirmed)
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.odata import (
    ODataService, any_of, describe_odata_error, eq_filter, key_path, literal, strip_annotations)
from fakes import FakeModule  # pylint: disable=wrong-import-order

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


# ---- protocols/http_client.py ----

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
    assert str(v4) == 'GET /v4 on tenant-api.example.com failed (HTTP 400): %s [transaction id TXN-V4]' % v4.message
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


# ---- engine/desired_state.py ----

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


# ---- issue 10: one deadline per request, messages that lead to the fix ----

class FakeTime:
    """A clock that only moves when the client sleeps (or a test says so)."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """Real back-off delays (scale 1) on a fake clock."""
    fake = FakeTime()
    monkeypatch.setenv('SAPCLOUD_RETRY_DELAY_SCALE', '1')
    monkeypatch.setattr(http_utils, 'time', fake)
    monkeypatch.setattr(HttpClient, '_sleep', staticmethod(fake.sleep))
    return fake


@responses.activate
def test_timeout_is_one_deadline_for_all_attempts(clock):
    """503 backs off 1 s, 3 s, 9 s: with timeout=5 the third wait would end after the deadline: not started."""
    for _attempt in range(10):
        responses.get(BASE + '/x', status=503, body='busy')
    with pytest.raises(ApiError) as info:
        basic_client(timeout=5).request('GET', '/x')
    assert len(responses.calls) == 3 and clock.slept == [1.0, 3.0]
    assert info.value.status == 503 and 'timeout of 5 s for the whole request' in info.value.message


@responses.activate
def test_retry_after_beyond_the_deadline_is_not_waited_for(clock):
    responses.get(BASE + '/x', status=429, headers={'Retry-After': '60'}, body='slow down')
    responses.get(BASE + '/x', json={})
    with pytest.raises(ApiError) as info:
        basic_client(timeout=30).request('GET', '/x')
    assert len(responses.calls) == 1 and clock.slept == []
    assert 'HTTP 429' in str(info.value) and 'timeout of 30 s' in str(info.value)


@responses.activate
def test_each_attempt_gets_only_the_time_left(clock):
    responses.get(BASE + '/x', status=502)
    responses.get(BASE + '/x', json={'ok': True})
    sent = []
    original = requests.Session.request

    def spy(session, method, url, **kwargs):
        sent.append(kwargs['timeout'])
        clock.now += 2  # every answer takes 2 s
        return original(session, method, url, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests.Session, 'request', spy)
        assert basic_client(timeout=20).get_json('/x') == {'ok': True}
    # connect limit, then the read limit: what is left of the 20 s after 2 s of answer and 0.5 s of back-off
    assert sent == [(10.0, 20.0), (10.0, 17.5)]


@pytest.mark.parametrize('timeout', [0, -5])
def test_timeout_not_positive_is_refused(timeout):
    with pytest.raises(ApiError) as info:
        basic_client(timeout=timeout)
    assert 'timeout must be a positive number of seconds' in str(info.value)


@responses.activate
def test_read_timeout_says_what_the_timeout_means():
    for _attempt in range(5):
        responses.get(BASE + '/x', body=requests.exceptions.ReadTimeout('Read timed out. (read timeout=3)'))
    with pytest.raises(ApiError) as info:
        basic_client(timeout=3).request('GET', '/x')
    text = str(info.value)
    assert 'GET /x on tenant-api.example.com failed (no response)' in text
    assert 'timeout of 3 s (option timeout or SAPCLOUD_TIMEOUT) covers the whole request' in text


@responses.activate
def test_odata_v4_details_and_target_are_kept():
    responses.post(BASE + '/v4', status=400, json={'error': {
        'code': 'CM_APS_CS/026', 'message': 'Communication system data is invalid', 'target': 'HostName',
        'details': [{'code': 'A', 'message': 'Host name must not contain a scheme', 'target': 'HostName'},
                    {'code': 'B', 'message': 'Port 70000 is out of range', '@SAP__common.Severity': 'error'}]}})
    with pytest.raises(ApiError) as info:
        basic_client().request('POST', '/v4', json_body={'ID': 'IPS_PROXY', 'HostName': 'https://x'})
    text = str(info.value)
    assert 'HostName: Communication system data is invalid' in text
    assert 'HostName: Host name must not contain a scheme' in text and 'Port 70000 is out of range' in text
    assert text.startswith('POST /v4 (ID IPS_PROXY) on tenant-api.example.com failed (HTTP 400)')


@responses.activate
def test_odata_v2_innererror_details_are_kept():
    responses.get(BASE + '/v2', status=400, json={'error': {
        'code': '/IWBEP/CM_MGW_RT/020', 'message': {'lang': 'en', 'value': 'Invalid input'},
        'innererror': {'transactionid': 'TXN-2', 'errordetails': [
            {'code': 'BP/1', 'message': 'Business partner 17 does not exist', 'propertyref': 'BusinessPartner',
             'severity': 'error', 'target': ''}]}}})
    with pytest.raises(ApiError) as info:
        basic_client().request('GET', '/v2')
    assert info.value.message == 'Invalid input (BusinessPartner: Business partner 17 does not exist)'
    assert info.value.transaction_id == 'TXN-2'


@responses.activate
def test_destination_service_violations_are_kept():
    responses.post(BASE + '/destinations', status=400, json={
        'ErrorMessage': 'Destination configuration is invalid',
        'violations': [{'configuration': 'URL', 'errors': ['URL must be an absolute http(s) URL']},
                       {'configuration': 'Authentication', 'errors': ['Unknown authentication type Basic']}]})
    with pytest.raises(ApiError) as info:
        basic_client().request('POST', '/destinations', json_body={'Name': 'S4HC', 'Password': 'Hidden-Pw-1234'})
    text = str(info.value)
    assert 'Destination configuration is invalid (URL: URL must be an absolute http(s) URL; ' \
           'Authentication: Unknown authentication type Basic)' in text
    assert '(Name S4HC)' in text and 'Hidden-Pw-1234' not in text


@responses.activate
def test_basic_401_warns_about_the_lock_and_names_the_user():
    responses.get(BASE + '/x', status=401, body='<html><title>Logon failed</title></html>')
    with pytest.raises(ApiError) as info:
        basic_client().request('GET', '/x')
    assert len(responses.calls) == 1
    assert 'logon of user COMM_USER failed' in info.value.message and 'locks' in info.value.message
    assert 'Secret-Password-For-Tests-1' not in str(info.value)


@responses.activate
def test_token_endpoint_401_names_the_client_without_lock_wording(tmp_path, monkeypatch):
    from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.oauth import TokenSource
    monkeypatch.setenv('SAPCLOUD_TOKEN_CACHE_DIR', str(tmp_path / 'tokens'))
    responses.post(BASE + '/oauth/token', status=401, json={'error': 'unauthorized',
                                                            'error_description': 'Bad credentials'})
    with pytest.raises(ApiError) as info:
        TokenSource(BASE + '/oauth/token', 'sb-idm-client', 'Client-Secret-Value-1').token()
    text = str(info.value)
    assert len(responses.calls) == 1
    assert 'Bad credentials' in text and 'rejected OAuth client sb-idm-client' in text and 'HTTP 401' in text
    assert 'locks after' not in text and 'Client-Secret-Value-1' not in text


@responses.activate
def test_certificate_failure_names_the_options_and_is_not_retried():
    responses.get(BASE + '/x', body=requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='tenant-api.example.com', port=443): Max retries exceeded with url: /x (Caused by "
        "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "self-signed certificate in certificate chain (_ssl.c:1006)')))"))
    with pytest.raises(ApiError) as info:
        basic_client().request('GET', '/x')
    text = str(info.value)
    assert len(responses.calls) == 1 and 'Max retries' not in text
    assert 'CERTIFICATE_VERIFY_FAILED: self-signed certificate in certificate chain' in text
    for word in ('ca_path', 'SAPCLOUD_CA_PATH', 'validate_certs', 'SAPCLOUD_VALIDATE_CERTS'):
        assert word in text


@responses.activate
def test_https_against_a_plain_http_port_is_explained():
    responses.get(BASE + '/x', body=requests.exceptions.SSLError(
        "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"))
    with pytest.raises(ApiError) as info:
        basic_client().request('GET', '/x')
    assert len(responses.calls) == 1 and 'does not speak HTTPS' in str(info.value)


def test_http_against_an_https_port_is_explained_without_retries(tmp_path):
    """A real TLS listener: one attempt and one handshake probe, never the four attempts of a connection error."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
    from emulator.tls import server_context  # pylint: disable=import-outside-toplevel
    context = server_context(str(tmp_path))
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(8)
    accepted = []

    def serve():
        while True:
            try:
                conn, _addr = listener.accept()
            except OSError:
                return
            accepted.append(conn)
            try:
                context.wrap_socket(conn, server_side=True).close()
            except (OSError, ssl.SSLError):
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    port = listener.getsockname()[1]
    try:
        with pytest.raises(ApiError) as info:
            HttpClient('http://127.0.0.1:%d' % port, auth=('U', 'Pw-For-This-Test-1'), timeout=5).request('GET', '/x')
    finally:
        listener.close()
    assert 'answers with TLS: use https:// instead of http://' in str(info.value)
    assert not info.value.retriable and len(accepted) == 2


@responses.activate
def test_html_logon_page_with_200_names_the_api_host():
    responses.get(BASE + '/x', status=200, content_type='text/html',
                  body='<!DOCTYPE html><html><head><title>Log On</title></head><body><form>...</form></body></html>')
    with pytest.raises(ApiError) as info:
        basic_client().get_json('/x')
    text = str(info.value)
    assert "HTML page titled 'Log On'" in text and '-api' in text and 'HTTP 200' in text
    assert '<form>' not in text


def test_scrub_masks_url_encoded_secrets():
    secret = 'P@ss word/with+signs:1'
    text = 'a %s b %s c %s' % (secret, requests.utils.quote(secret, safe=''), 'P%40ss+word%2Fwith%2Bsigns%3A1')
    assert secret.split()[0] not in http_utils.scrub(text, [secret]).replace(http_utils.MASK, '')


def test_missing_ca_path_is_refused_before_any_request(tmp_path):
    with pytest.raises(ApiError) as info:
        basic_client(ca_path=str(tmp_path / 'missing.pem'))
    assert 'ca_path must be a file' in str(info.value) and 'SAPCLOUD_CA_PATH' in str(info.value)
