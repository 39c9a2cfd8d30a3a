"""Transport resilience of the modules, measured by the emulator: real ansible-playbook runs against injected faults.

Every count below is read from the emulator's HTTP-layer stats (requests per host, method and path, counted before
any fault or service logic), never from a module's own report. The policy under test is in
plugins/module_utils/protocols/http_client.py (HttpClient.request, create_confirmed) and odata.py (ODataService._write):

- GET (idempotent): connection errors, 408, 429, 500, 502, 503, 504 retried at most MAX_RETRIES (3) times,
  so at most 4 attempts; 429 honours Retry-After.
- POST: never repeated blindly. A 429 means "not processed" and is repeated in place; any other ambiguous failure
  (5xx, lost connection) goes to create_confirmed, which reads first and POSTs again only if the object is absent.
- 401/403 on Basic auth: never retried (an S/4 communication user locks after 3 failed logons).
- 401 on a Bearer token: one new token, one repeat.
- 403 with x-csrf-token: Required: one new CSRF token (GET of the service root), one repeat.

S/4 objects are created on tenant s4_t2 with unique names (other test files use s4_t1 and s4_t3).
"""

import threading
import time

import pytest

from btp_support import CF_TOKEN, cf_service_key
from conftest import DEMO, s4_connection
from emulator.services.s4 import CU
from helpers import unique

HOST = 's4_t2'
USER = 'sapcloud.identity.s4_comm_user'
USER_INFO = 'sapcloud.identity.s4_comm_user_info'
DEST_INFO = 'sapcloud.identity.scp_destination_info'
PASSWORD = 'Resilience-Test-Passw0rd-1'

USERS = CU + '/CommunicationUsers'
GET_USERS = 'GET ' + USERS
POST_USERS = 'POST ' + USERS
GET_ROOT = 'GET ' + CU + '/'  # the CSRF token re-fetch: ODataService.get('')
CF_LIST = 'GET /destination-configuration/v1/subaccountDestinations'
V4_500 = '{"error": {"code": "EMU/500", "message": "Backend component is out of order"}}'


@pytest.fixture(autouse=True)
def no_faults(emulator):
    emulator.clear_faults()
    emulator.reset_stats()
    yield
    emulator.clear_faults()
    emulator.fault(host=HOST, action='enforce_etag', enabled=False)


def paths(emulator, host=HOST):
    """{'METHOD /path': count} for host since the last stats reset, as the emulator counted them."""
    return emulator.stats()['hosts'].get(host, {}).get('paths', {})


def users_named(emulator, name):
    return [u for u in emulator.state(HOST)['users'].values() if u['Name'] == name]


def seeded_user(emulator, description='resilience'):
    """A communication user created directly in the emulator (no module run, no counted request)."""
    name = unique('IT_RES')
    emulator.seed(HOST, {'users': [{'Name': name, 'Password': PASSWORD, 'Description': description}]})
    emulator.reset_stats()
    return name


def read_user(ansible, emulator, name, **options):
    return ansible.task(USER_INFO, dict({'name': name}, **options), defaults=s4_connection(emulator, HOST))


def ensure_user(ansible, emulator, name, description='resilience', **options):
    return ansible.task(USER, dict({'name': name, 'description': description, 'password': PASSWORD}, **options),
                        defaults=s4_connection(emulator, HOST))


def assert_clean_failure(run, *words):
    assert run.failed, run
    for word in words:
        assert word in run.msg, (word, run.msg)
    assert 'Traceback' not in run.run.output and 'MODULE FAILURE' not in run.run.output, run.run.output[-3000:]


# ---- 1. 429 with Retry-After ----

def test_429_on_get_is_retried_after_the_announced_delay(emulator, ansible):
    name = seeded_user(emulator)
    # Retry-After 50 s, scaled by SAPCLOUD_RETRY_DELAY_SCALE=0.01 to 0.5 s; the 429 back-off alone would be 5 ms.
    emulator.fault(host=HOST, method='GET', path=USERS + '$', status=429, count=1,
                   headers={'Retry-After': '50', 'Content-Type': 'text/plain'}, body='Too Many Requests')
    run = read_user(ansible, emulator, name)
    assert not run.failed, run.msg
    assert [u['Name'] for u in run.data['users']] == [name]
    assert paths(emulator) == {GET_USERS: 2}
    times = [e['time'] for e in emulator.requests_log() if e['host'] == HOST and e['path'] == USERS]
    assert len(times) == 2 and times[1] - times[0] >= 0.45, times


def test_429_retries_are_bounded(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='GET', path=USERS + '$', status=429, count=10,
                   headers={'Retry-After': '1', 'Content-Type': 'text/plain'}, body='Rate limit exceeded')
    run = read_user(ansible, emulator, name)
    assert_clean_failure(run, 'GET', USERS, 'HTTP 429', 'Rate limit exceeded')
    assert paths(emulator) == {GET_USERS: 4}  # 1 + MAX_RETRIES


def test_429_on_post_is_repeated_in_place(emulator, ansible):
    """429 means 'not processed': the POST is repeated without a confirming read, and one user results."""
    name = unique('IT_RES429')
    emulator.fault(host=HOST, method='POST', path=USERS + '$', status=429, count=1,
                   headers={'Retry-After': '1', 'Content-Type': 'text/plain'}, body='Too Many Requests')
    run = ensure_user(ansible, emulator, name)
    assert run.changed and not run.failed, run.msg
    assert paths(emulator) == {GET_USERS: 1, POST_USERS: 2}
    assert len(users_named(emulator, name)) == 1


# ---- 2. 5xx on reads ----

def test_503_on_get_is_retried(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='GET', path=USERS + '$', status=503, count=2,
                   headers={'Content-Type': 'text/html'},
                   body='<html><head><title>503 Service Unavailable</title></head><body></body></html>')
    run = read_user(ansible, emulator, name)
    assert not run.failed, run.msg
    assert [u['Name'] for u in run.data['users']] == [name]
    assert paths(emulator) == {GET_USERS: 3}


def test_500_beyond_the_retry_budget_fails_cleanly(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='GET', path=USERS + '$', status=500, count=10,
                   headers={'Content-Type': 'application/json'}, body=V4_500)
    run = read_user(ansible, emulator, name)
    assert_clean_failure(run, 'GET', USERS, 'HTTP 500', 'Backend component is out of order')
    assert paths(emulator) == {GET_USERS: 4}


# ---- 3. dropped connections ----

def test_dropped_connection_on_get_is_retried(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='GET', path=USERS + '$', drop=True, count=1)
    run = read_user(ansible, emulator, name)
    assert not run.failed, run.msg
    assert [u['Name'] for u in run.data['users']] == [name]
    assert paths(emulator) == {GET_USERS: 2}


def test_dropped_connections_beyond_the_retry_budget_fail_cleanly(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='GET', path=USERS + '$', drop=True, count=10)
    run = read_user(ansible, emulator, name)
    assert_clean_failure(run, 'GET', USERS, 'no response', 'connection error')
    assert paths(emulator) == {GET_USERS: 4}


# ---- 4. ambiguous POST failures: read before repeating, never a duplicate ----

def test_post_503_not_applied_is_confirmed_absent_then_repeated(emulator, ansible):
    name = unique('IT_RES503')
    emulator.fault(host=HOST, method='POST', path=USERS + '$', status=503, count=1,
                   headers={'Content-Type': 'text/plain'}, body='Service Unavailable')
    run = ensure_user(ansible, emulator, name)
    assert run.changed and not run.failed, run.msg
    # GET (lookup + CSRF), POST -> 503, GET (is it there? no), POST -> 201
    assert paths(emulator) == {GET_USERS: 2, POST_USERS: 2}
    created = users_named(emulator, name)
    assert len(created) == 1 and run.data['user_id'] == created[0]['ID']


def test_post_503_applied_is_found_by_reading_not_repeated(emulator, ansible):
    name = unique('IT_RES503A')
    emulator.fault(host=HOST, method='POST', path=USERS + '$', status=503, count=1, after=True,
                   headers={'Content-Type': 'text/plain'}, body='Service Unavailable')
    run = ensure_user(ansible, emulator, name)
    assert run.changed and not run.failed, run.msg
    # GET, POST (applied, answered 503), GET finds the user: no second POST
    assert paths(emulator) == {GET_USERS: 2, POST_USERS: 1}
    created = users_named(emulator, name)
    assert len(created) == 1 and run.data['user_id'] == created[0]['ID']


def test_post_connection_lost_after_apply_is_found_by_reading(emulator, ansible):
    name = unique('IT_RESDROP')
    emulator.fault(host=HOST, method='POST', path=USERS + '$', drop=True, count=1, after=True)
    run = ensure_user(ansible, emulator, name)
    assert run.changed and not run.failed, run.msg
    assert paths(emulator) == {GET_USERS: 2, POST_USERS: 1}
    assert len(users_named(emulator, name)) == 1


def test_post_connection_lost_before_apply_is_repeated_once(emulator, ansible):
    name = unique('IT_RESDROPB')
    emulator.fault(host=HOST, method='POST', path=USERS + '$', drop=True, count=1)
    run = ensure_user(ansible, emulator, name)
    assert run.changed and not run.failed, run.msg
    assert paths(emulator) == {GET_USERS: 2, POST_USERS: 2}
    assert len(users_named(emulator, name)) == 1


def test_post_500_beyond_the_budget_fails_cleanly_without_creating(emulator, ansible):
    name = unique('IT_RES500')
    emulator.fault(host=HOST, method='POST', path=USERS + '$', status=500, count=10,
                   headers={'Content-Type': 'application/json'}, body=V4_500)
    run = ensure_user(ansible, emulator, name)
    assert_clean_failure(run, 'POST', USERS, 'HTTP 500', 'Backend component is out of order')
    # create_confirmed: 4 POSTs, a confirming read between each two
    assert paths(emulator) == {GET_USERS: 4, POST_USERS: 4}
    assert users_named(emulator, name) == []


# ---- 5. CSRF token rejected on the write ----

CSRF_403 = dict(status=403, headers={'x-csrf-token': 'Required', 'Content-Type': 'text/plain'},
                body='CSRF token validation failed')


def test_csrf_required_on_post_fetches_a_new_token_once(emulator, ansible):
    name = unique('IT_RESCSRF')
    emulator.fault(host=HOST, method='POST', path=USERS + '$', count=1, **CSRF_403)
    run = ensure_user(ansible, emulator, name)
    assert run.changed and not run.failed, run.msg
    assert paths(emulator) == {GET_USERS: 1, POST_USERS: 2, GET_ROOT: 1}
    assert len(users_named(emulator, name)) == 1


def test_csrf_required_on_patch_fetches_a_new_token_once(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='PATCH', path=r'/CommunicationUsers\(', count=1, **CSRF_403)
    run = ensure_user(ansible, emulator, name, description='after csrf')
    assert run.changed and not run.failed, run.msg
    user_path = "%s('%s')" % (USERS, users_named(emulator, name)[0]['ID'])
    assert paths(emulator) == {GET_USERS: 1, 'PATCH ' + user_path: 2, GET_ROOT: 1}
    assert users_named(emulator, name)[0]['Description'] == 'after csrf'


def test_csrf_required_twice_fails_cleanly(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='PATCH', path=r'/CommunicationUsers\(', count=2, **CSRF_403)
    run = ensure_user(ansible, emulator, name, description='never written')
    assert_clean_failure(run, 'PATCH', 'HTTP 403', 'CSRF token validation failed')
    user_path = "%s('%s')" % (USERS, users_named(emulator, name)[0]['ID'])
    assert paths(emulator) == {GET_USERS: 1, 'PATCH ' + user_path: 2, GET_ROOT: 1}
    assert users_named(emulator, name)[0]['Description'] == 'resilience'


# ---- 6. logon and authorization failures are never retried ----

def test_basic_auth_401_is_not_retried(emulator, ansible):
    name = unique('IT_RES401')
    system = unique('IT_RES401SYS')
    emulator.seed(HOST, {
        'users': [{'Name': name, 'Password': PASSWORD, 'Description': 'logon test'}],
        'systems': [{'ID': system, 'IsInboundOnly': True, 'InboundUsers': [{'user': name}]}],
        'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0A48', 'CommunicationSystemID': system,
                          'Name': system, 'inbound_user': name}]})
    base = {'api_url': emulator.url(HOST), 'api_user': name}
    emulator.reset_stats()
    wrong = ansible.task(USER_INFO, {'name': name}, defaults=dict(base, api_password='Wrong-Resilience-Passw0rd-9'))
    assert_clean_failure(wrong, 'GET', 'HTTP 401', 'Logon failed', 'not retried', 'logon of user %s failed' % name,
                         'locks after repeated failed logons')
    assert paths(emulator) == {GET_USERS: 1}
    # the right password still works (one failure does not lock) and resets the failure count
    emulator.reset_stats()
    right = ansible.task(USER_INFO, {'name': name}, defaults=dict(base, api_password=PASSWORD))
    assert not right.failed, right.msg
    assert paths(emulator) == {GET_USERS: 1}


def test_basic_auth_403_is_not_retried(emulator, ansible):
    """A user bound only to an arrangement of another scenario: the tenant answers 403, once."""
    name = unique('IT_RES403')
    system = unique('IT_RES403SYS')
    emulator.seed(HOST, {
        'users': [{'Name': name, 'Password': PASSWORD, 'Description': 'other scenario'}],
        'systems': [{'ID': system, 'IsInboundOnly': True, 'InboundUsers': [{'user': name}]}],
        'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0093', 'CommunicationSystemID': system,
                          'Name': system, 'inbound_user': name}]})
    emulator.reset_stats()
    conn = {'api_url': emulator.url(HOST), 'api_user': name, 'api_password': PASSWORD}
    run = ansible.task(USER_INFO, {'name': name}, defaults=conn)
    assert_clean_failure(run, 'GET', 'HTTP 403', 'No authorization')
    assert paths(emulator) == {GET_USERS: 1}


def test_403_on_write_without_csrf_header_is_not_retried(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='PATCH', path=r'/CommunicationUsers\(', count=10, status=403,
                   headers={'Content-Type': 'text/plain'}, body='Forbidden by an authorization check')
    run = ensure_user(ansible, emulator, name, description='forbidden')
    assert_clean_failure(run, 'PATCH', 'HTTP 403', 'Forbidden by an authorization check')
    counted = paths(emulator)
    assert counted.get(GET_ROOT, 0) == 0  # not mistaken for a CSRF failure
    assert sum(n for key, n in counted.items() if key.startswith('PATCH ')) == 1


def test_bearer_401_gets_one_new_token_then_fails(emulator, ansible):
    """A Bearer token rejected twice: one new token, one repeat, then a clean failure."""
    emulator.fault(host='cf_destination', method='GET', path='/subaccountDestinations$', count=10, status=401,
                   headers={'Content-Type': 'text/plain'}, body='Unauthorized')
    run = ansible.task(DEST_INFO, {'platform': 'cf', 'service_key': cf_service_key(emulator)})
    assert_clean_failure(run, 'GET', 'HTTP 401', 'Unauthorized')
    assert paths(emulator, 'cf_destination') == {CF_LIST: 2}
    assert paths(emulator, 'cf_uaa') == {CF_TOKEN: 2}  # the first token, then exactly one refresh


def test_token_endpoint_401_is_not_retried(emulator, ansible):
    """The client credentials go to the token endpoint in Basic auth: a 401 there is final."""
    emulator.fault(host='cf_uaa', method='POST', path='/oauth/token$', count=10, status=401,
                   headers={'Content-Type': 'application/json'},
                   body='{"error": "unauthorized", "error_description": "Bad credentials"}')
    run = ansible.task(DEST_INFO, {'platform': 'cf', 'service_key': cf_service_key(emulator)})
    # The client id is named, but Ansible masks it here: it is part of the service key, a no_log option.
    assert_clean_failure(run, 'POST', 'HTTP 401', 'Bad credentials', 'rejected OAuth client')
    assert 'locks after' not in run.msg  # a client id and secret do not lock like a logon user
    assert paths(emulator, 'cf_uaa') == {CF_TOKEN: 1}
    assert paths(emulator, 'cf_destination') == {}
    assert DEMO['cf_client_secret'] not in run.run.output


# ---- 7. ETags ----

def test_update_sends_if_match_when_the_tenant_enforces_it(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, action='enforce_etag', enabled=True)
    run = ensure_user(ansible, emulator, name, description='with If-Match')
    assert run.changed and not run.failed, run.msg
    user_path = "%s('%s')" % (USERS, users_named(emulator, name)[0]['ID'])
    assert paths(emulator) == {GET_USERS: 1, 'PATCH ' + user_path: 1}
    assert users_named(emulator, name)[0]['Description'] == 'with If-Match'


def test_injected_412_fails_cleanly_and_is_not_retried(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, action='enforce_etag', enabled=True)
    emulator.fault(host=HOST, method='PATCH', path=r'/CommunicationUsers\(', count=10, status=412,
                   headers={'Content-Type': 'application/json'},
                   body='{"error": {"code": "EMU/412", "message": "Entity was changed by another user"}}')
    run = ensure_user(ansible, emulator, name, description='stale')
    assert_clean_failure(run, 'PATCH', 'HTTP 412', 'Entity was changed by another user')
    counted = paths(emulator)
    assert sum(n for key, n in counted.items() if key.startswith('PATCH ')) == 1
    assert users_named(emulator, name)[0]['Description'] == 'resilience'


def test_entity_changed_between_read_and_write_gives_412(emulator, ansible):
    """A real stale ETag: the PATCH is held back 2 s by a delay fault while the entity's ETag changes on the server."""
    name = seeded_user(emulator)
    emulator.fault(host=HOST, action='enforce_etag', enabled=True)
    emulator.fault(host=HOST, method='PATCH', path=r'/CommunicationUsers\(', delay=2, count=1)
    done = threading.Event()

    def change_etags_when_patch_arrives():
        deadline = time.time() + 60
        while not done.is_set() and time.time() < deadline:
            if any(key.startswith('PATCH ') for key in paths(emulator)):
                emulator.fault(host=HOST, action='stale_etags')
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=change_etags_when_patch_arrives, daemon=True)
    watcher.start()
    try:
        run = ensure_user(ansible, emulator, name, description='lost update')
    finally:
        done.set()
        watcher.join(5)
    assert_clean_failure(run, 'PATCH', 'HTTP 412', 'stale If-Match')
    counted = paths(emulator)
    assert sum(n for key, n in counted.items() if key.startswith('PATCH ')) == 1
    assert users_named(emulator, name)[0]['Description'] == 'resilience'


# ---- 8. slow responses beyond the module's timeout ----

def test_response_slower_than_timeout_ends_at_the_one_deadline(emulator, ansible):
    """timeout is a deadline for the whole request: an answer slower than it ends the request, no second attempt."""
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='GET', path=USERS + '$', delay=3, count=4)
    run = read_user(ansible, emulator, name, timeout=1)
    assert_clean_failure(run, 'GET', USERS, 'no response', 'timed out', 'timeout of 1 s', 'whole request')
    assert paths(emulator) == {GET_USERS: 1}


def test_timeout_zero_is_refused_before_any_request(emulator, ansible):
    run = read_user(ansible, emulator, 'ANY', timeout=0)
    assert_clean_failure(run, 'timeout must be a positive number of seconds')
    assert emulator.requests(HOST) == 0


# ---- PATCH answered 5xx after it was applied ----

def test_patch_503_after_apply_is_repeated_and_converges(emulator, ansible):
    """PATCH is retried as idempotent: without ETag enforcement the repeat simply writes the same value again."""
    name = seeded_user(emulator)
    emulator.fault(host=HOST, method='PATCH', path=r'/CommunicationUsers\(', status=503, count=1, after=True,
                   headers={'Content-Type': 'text/plain'}, body='Service Unavailable')
    run = ensure_user(ansible, emulator, name, description='patched once')
    assert run.changed and not run.failed, run.msg
    counted = paths(emulator)
    assert sum(n for key, n in counted.items() if key.startswith('PATCH ')) == 2
    assert users_named(emulator, name)[0]['Description'] == 'patched once'


def test_patch_503_after_apply_with_etag_enforced(emulator, ansible):
    name = seeded_user(emulator)
    emulator.fault(host=HOST, action='enforce_etag', enabled=True)
    emulator.fault(host=HOST, method='PATCH', path=r'/CommunicationUsers\(', status=503, count=1, after=True,
                   headers={'Content-Type': 'text/plain'}, body='Service Unavailable')
    run = ensure_user(ansible, emulator, name, description='patched once')
    assert run.changed and not run.failed, run.msg
    assert users_named(emulator, name)[0]['Description'] == 'patched once'
    counted = paths(emulator)
    # The 503 is not repeated blindly: the entity is read again for its new ETag, then patched once more.
    assert sum(n for key, n in counted.items() if key.startswith('PATCH ')) == 2


# ---- answers that are not the API's ----

def test_html_logon_page_with_200_names_the_api_host(emulator, ansible):
    """A UI host answers every path with its logon page and HTTP 200: one request, then the hint to use -api."""
    emulator.fault(host=HOST, method='GET', path=USERS + '$', status=200, count=1,
                   headers={'Content-Type': 'text/html; charset=utf-8'},
                   body='<!DOCTYPE html><html><head><title>Log On</title></head><body><form></form></body></html>')
    run = read_user(ansible, emulator, 'ANY')
    assert_clean_failure(run, 'GET', USERS, 'HTTP 200', "HTML page titled 'Log On'", '-api')
    assert paths(emulator) == {GET_USERS: 1}
