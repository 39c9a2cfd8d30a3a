"""oauth.TokenSource: the token cache (0600 file, reuse, lifetimes, invalidation, the lock across processes)."""

import json
import multiprocessing
import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

# tests/unit/conftest.py puts the collection on sys.path.
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols import oauth
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError, HttpClient


class TokenServer:
    """A token endpoint (and one protected resource) that counts what it is asked."""

    def __init__(self):
        self.lock = threading.Lock()
        self.token_requests = 0
        self.resource_requests = 0
        self.expires_in = 1500
        self.valid = set()
        self.reject_all = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                self.rfile.read(int(self.headers.get('Content-Length') or 0))
                with server.lock:
                    server.token_requests += 1
                    token = 'token-%d' % server.token_requests
                    server.valid.add(token)
                body = {'access_token': token, 'token_type': 'bearer'}
                if server.expires_in is not None:
                    body['expires_in'] = server.expires_in
                self._send(200, body)

            def do_GET(self):
                with server.lock:
                    server.resource_requests += 1
                token = (self.headers.get('Authorization') or '')[7:]
                if server.reject_all or token not in server.valid:
                    self._send(401, {'error': 'invalid_token'})
                else:
                    self._send(200, {'ok': True})

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = TokenServer()
    yield srv
    srv.stop()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    directory = str(tmp_path / 'tokens')
    monkeypatch.setenv('SAPCLOUD_TOKEN_CACHE_DIR', directory)
    monkeypatch.setenv('SAPCLOUD_RETRY_DELAY_SCALE', '0')
    return directory


def source(server, secret='s3cret-value'):
    return oauth.TokenSource(server.url + '/oauth/token', 'client', secret)


def test_cache_file_is_private(server, cache):
    token = source(server).token()
    files = [f for f in os.listdir(cache) if f.endswith('.json')]
    assert len(files) == 1
    path = os.path.join(cache, files[0])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path + '.lock').st_mode) == 0o600
    with open(path) as handle:
        content = handle.read()
    assert token in content and 's3cret-value' not in content and 'client' not in files[0]


def test_token_is_reused_across_instances(server):
    first = source(server).token()
    assert source(server).token() == first  # a later task
    assert server.token_requests == 1


def test_other_credential_gets_its_own_token(server):
    source(server).token()
    source(server, secret='another-secret').token()
    assert server.token_requests == 2


@pytest.mark.parametrize('expires_in', [0, None])
def test_token_without_lifetime_is_not_cached(server, cache, expires_in):
    server.expires_in = expires_in
    tokens = source(server)
    assert tokens.token() == tokens.token()  # kept for this process
    assert server.token_requests == 1
    assert not [f for f in os.listdir(cache) if f.endswith('.json')]
    source(server).token()  # another process or task must fetch its own
    assert server.token_requests == 2


def test_expired_cached_token_is_replaced(server):
    server.expires_in = 1500
    source(server).token()
    path = source(server).cache_file
    with open(path) as handle:
        cached = json.load(handle)
    cached['expires_at'] = cached['expires_at'] - 1500
    with open(path, 'w') as handle:
        json.dump(cached, handle)
    assert source(server).token() == 'token-2'


def test_short_lifetime_is_still_reused(server):
    server.expires_in = 30  # shorter than the 60 s margin: the margin shrinks to a tenth of the lifetime
    source(server).token()
    source(server).token()
    assert server.token_requests == 1


def test_invalidate_drops_only_the_stale_token(server):
    one = source(server)
    two = source(server)
    stale = one.token()
    assert two.token() == stale
    one.invalidate()
    assert not os.path.exists(one.cache_file)
    fresh = one.token()
    assert fresh != stale
    # A fork that still holds the stale token must not delete the fresh one.
    two.invalidate()
    assert os.path.exists(one.cache_file)
    assert two.token() == fresh
    assert server.token_requests == 2


def test_401_on_cached_bearer_refreshes_once(server):
    source(server).token()
    server.valid.clear()  # the server forgets every token
    client = HttpClient(server.url, token_source=source(server))
    assert client.get_json('/resource') == {'ok': True}
    assert server.token_requests == 2
    assert server.resource_requests == 2


def test_persistent_401_is_not_a_loop(server):
    server.reject_all = True
    client = HttpClient(server.url, token_source=source(server))
    with pytest.raises(ApiError) as err:
        client.get_json('/resource')
    assert err.value.status == 401
    assert server.token_requests == 2 and server.resource_requests == 2


def _fetch_in_process(url, queue):
    queue.put(oauth.TokenSource(url + '/oauth/token', 'client', 's3cret-value').token())


def test_lock_makes_parallel_processes_fetch_once(server):
    context = multiprocessing.get_context('fork')
    queue = context.Queue()
    procs = [context.Process(target=_fetch_in_process, args=(server.url, queue)) for index in range(8)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(30)
    tokens = set(queue.get(timeout=5) for proc in procs)
    assert tokens == {'token-1'}
    assert server.token_requests == 1


def test_token_request_failure_names_no_secret(server):
    tokens = oauth.TokenSource('http://127.0.0.1:1/oauth/token', 'client', 's3cret-value', timeout=2)
    with pytest.raises(ApiError) as err:
        tokens.token()
    assert 's3cret-value' not in str(err.value)


def test_existing_cache_folder_is_made_private(server, cache):
    os.makedirs(cache, 0o755)
    os.chmod(cache, 0o755)
    source(server).token()
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700


def test_cache_folder_that_cannot_be_made_private_fails_cleanly(server, cache, monkeypatch):
    def refuse(path, mode):
        raise PermissionError(1, 'Operation not permitted', path)

    os.makedirs(cache, 0o755)
    os.chmod(cache, 0o755)
    monkeypatch.setattr(oauth.os, 'chmod', refuse)
    with pytest.raises(ApiError) as err:
        source(server).token()
    assert 'token cache folder' in str(err.value) and 'SAPCLOUD_TOKEN_CACHE_DIR' in str(err.value)
    assert server.token_requests == 0
