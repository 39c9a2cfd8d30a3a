# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client-credentials tokens, fetched once per credential and reused across tasks and forks.

SAP asks clients to reuse tokens instead of fetching one per call. Every Ansible task is a new process, so the
token lives in a cache file: one file per credential, named by a SHA-256 of token URL, client id and secret,
mode 0600 in a 0700 directory, written atomically. An exclusive lock on a sibling lock file makes parallel forks
wait for the first one's fetch instead of fetching themselves. A token is used until EXPIRY_MARGIN seconds
(a tenth of its lifetime for short-lived tokens) before it expires. A token without a positive expires_in is
never written to the cache: it serves the current process only, until the server rejects it.

When the server answers 401 to a token, the caller invalidates it: the cache file is removed only if it still
holds that token, so forks that refreshed meanwhile keep theirs, and the next token() fetches exactly once.

Directory: $SAPCLOUD_TOKEN_CACHE_DIR, else $XDG_CACHE_HOME/sapcloud.identity/tokens, else
~/.cache/sapcloud.identity/tokens.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time

from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError, HttpClient, decode_json

EXPIRY_MARGIN = 60


def _expiring(expires_at):
    """True when a token (expiry time, lifetime) is within its renewal margin."""
    when, lifetime = expires_at
    return time.time() >= when - min(EXPIRY_MARGIN, lifetime / 10.0)


def cache_dir():
    explicit = os.environ.get('SAPCLOUD_TOKEN_CACHE_DIR')
    if explicit:
        return explicit
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'sapcloud.identity', 'tokens')


def private_dir(directory):
    """directory, created if missing and set to mode 0700 even when it existed with a looser mode."""
    try:
        if not os.path.isdir(directory):
            try:
                os.makedirs(directory, 0o700)
            except OSError:
                if not os.path.isdir(directory):  # another fork may have just created it
                    raise
        if os.stat(directory).st_mode & 0o777 != 0o700:
            os.chmod(directory, 0o700)
    except OSError as exc:
        raise ApiError('the token cache folder %s cannot be created or made private (mode 0700): %s; set '
                       'SAPCLOUD_TOKEN_CACHE_DIR to a folder of your own' % (directory, exc.strerror or exc))
    return directory


def certificate_identity(client_cert):
    """What tells X.509 credentials apart in the cache file name: the certificate file's content."""
    if not client_cert:
        return ''
    with open(client_cert[0], 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def x509_form(data, client_id):
    """The token request's form for an X.509 client: the client id beside the grant, no secret (the certificate
    authenticated the client in the TLS handshake)."""
    form = dict(data or {})
    form['client_id'] = client_id
    return form


class TokenSource:
    """A client-credentials token for one credential.

    The client id and secret always go in a Basic Authorization header: Neo accepts nothing else, XSUAA and IAS
    accept it too. grant_in_query: grant_type sent as a query parameter (Neo) instead of a form field (XSUAA, IAS).
    client_cert: (certificate file, key file, passphrase) of an X.509 client (an X.509 service key, an IAS
    administrator with a certificate): the client authenticates in the TLS handshake, the client id goes in the
    form and there is no secret (see x509_form).
    """

    def __init__(self, token_url, client_id, client_secret, grant_in_query=False, use_cache=True,
                 validate_certs=True, ca_path=None, timeout=30, extra_params=None, client_cert=None):
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.grant_in_query = grant_in_query
        self.use_cache = use_cache
        self.extra_params = dict(extra_params or {})
        self.x509 = bool(client_cert)
        self.http = HttpClient(token_url, auth=None if self.x509 else (client_id, client_secret),
                               validate_certs=validate_certs, ca_path=ca_path, timeout=timeout, auth_kind='client',
                               client_cert=client_cert)
        self._token = None
        # None: the server gave no lifetime, so the token serves this process until it is rejected.
        self._expires_at = None
        digest = hashlib.sha256('\0'.join((token_url, client_id, client_secret or certificate_identity(client_cert)))
                                .encode('utf-8')).hexdigest()
        self.cache_file = os.path.join(cache_dir(), digest + '.json')

    def token(self):
        if self._token and (self._expires_at is None or not _expiring(self._expires_at)):
            return self._token
        if not self.use_cache:
            return self._fetch_and_keep()
        with self._locked():
            if not self._load_cached():
                self._fetch_and_keep()
                self._store()
        return self._token

    def invalidate(self):
        """Drop the token (the server answered 401): the next token() fetches a new one."""
        stale = self._token
        self._token = None
        self._expires_at = None
        if not (self.use_cache and stale):
            return
        with self._locked():
            try:
                with open(self.cache_file) as handle:
                    if json.load(handle).get('access_token') == stale:
                        os.unlink(self.cache_file)
            except (IOError, OSError, ValueError):
                pass

    @contextlib.contextmanager
    def _locked(self):
        """The credential's lock: one fork fetches, the others wait and then read its token from the cache."""
        directory = private_dir(os.path.dirname(self.cache_file))
        fd = os.open(self.cache_file + '.lock', os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def fetch(self):
        """One token request; returns the parsed body (access_token, expires_in, ...)."""
        params = dict(self.extra_params)
        data = None
        if self.grant_in_query:
            params['grant_type'] = 'client_credentials'
        else:
            data = {'grant_type': 'client_credentials'}
        if self.x509:
            data = x509_form(data, self.client_id)
        response = self.http.request('POST', '', params=params or None, data=data, idempotent=True)
        body = decode_json(response) or {}
        if not body.get('access_token'):
            raise ApiError('token response without access_token', 'POST', self.token_url, response.status_code)
        return body

    def _fetch_and_keep(self):
        body = self.fetch()
        self._token = body['access_token']
        try:
            lifetime = float(body.get('expires_in') or 0)
        except (TypeError, ValueError):
            lifetime = 0
        now = time.time()
        self._expires_at = (now + lifetime, lifetime) if lifetime > 0 else None
        return self._token

    def _load_cached(self):
        try:
            with open(self.cache_file) as handle:
                cached = json.load(handle)
            expires_at = (float(cached['expires_at']), float(cached['lifetime']))
            token = cached['access_token']
        except (IOError, OSError, ValueError, KeyError, TypeError):
            return False
        if _expiring(expires_at):
            return False
        self._token = token
        self._expires_at = expires_at
        return True

    def _store(self):
        if self._expires_at is None:
            return  # no lifetime given: use it for this process only
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(self.cache_file), prefix='.token-')
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, 'w') as handle:
                json.dump({'access_token': self._token, 'expires_at': self._expires_at[0],
                           'lifetime': self._expires_at[1]}, handle)
            os.rename(tmp, self.cache_file)
        except Exception:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
