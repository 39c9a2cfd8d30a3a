# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport shared by every service client.

Retries follow SAP's guidance for its cloud APIs: connection errors, 408, 429
(honouring Retry-After), 500, 502, 503 and 504 are retried a bounded number of
times; 401 and 403 on Basic auth never are, because an S/4HANA communication
user locks after three failed logons. A 401 on a Bearer token drops the token
and retries once with a new one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import time
import traceback

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.six.moves.urllib.parse import urlsplit

RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
MAX_RETRIES = 3
MAX_RETRY_AFTER = 120.0
# (first delay in seconds, factor), per SAP's token-handling best practices.
BACKOFF = {'connection': (0.3, 2), 500: (1.0, 3), 503: (1.0, 3)}
DEFAULT_BACKOFF = (0.5, 2)
MASK = '********'


def retry_delay_scale():
    """Scale for back-off delays; tests set SAPCLOUD_RETRY_DELAY_SCALE=0 to keep runs fast."""
    try:
        return float(os.environ.get('SAPCLOUD_RETRY_DELAY_SCALE', '1'))
    except ValueError:
        return 1.0


class ApiError(Exception):
    """Any failed call: method, URL path, status, the server's message and SAP's transaction id."""

    def __init__(self, message, method=None, url=None, status=None, transaction_id=None, retriable=False, code=None):
        super(ApiError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = urlsplit(url).path if url else None
        self.status = status
        self.transaction_id = transaction_id
        self.retriable = retriable
        self.code = code

    def __str__(self):
        where = ' '.join(p for p in (self.method, self.path) if p)
        status = 'HTTP %s' % self.status if self.status else 'no response'
        text = '%s failed (%s): %s' % (where, status, self.message) if where else self.message
        if self.transaction_id:
            text += ' [transaction id %s]' % self.transaction_id
        return text

    def as_dict(self):
        return dict(method=self.method, path=self.path, status=self.status, message=self.message,
                    transaction_id=self.transaction_id, code=self.code)


def _first(mapping, *keys):
    for key in keys:
        if isinstance(mapping, dict) and mapping.get(key):
            return mapping[key]
    return None


def error_from_json(body):
    """(message, code, transaction id) from the JSON error shapes SAP services use."""
    if not isinstance(body, dict):
        return None, None, None
    err = body.get('error')
    if isinstance(err, dict):
        # OData V4 has a plain string message, V2 a {"lang", "value"} object.
        msg = err.get('message')
        if isinstance(msg, dict):
            msg = msg.get('value')
        details = [d.get('message') for d in err.get('details') or [] if isinstance(d, dict) and d.get('message')]
        if details and msg:
            msg = '%s (%s)' % (msg, '; '.join(str(d) for d in details if d != msg)) if any(d != msg for d in details) else msg
        inner = err.get('innererror') or {}
        txn = inner.get('transactionid') or (inner.get('ErrorDetails') or {}).get('@SAP__common.TransactionId')
        return msg, err.get('code'), txn
    if isinstance(err, str):
        return _first(body, 'error_description', 'message') or err, err, None
    # CF Destination service: {"ErrorMessage": "..."}; SCIM: {"detail": "..."}.
    return _first(body, 'ErrorMessage', 'detail', 'message', 'errorMessage', 'description'), body.get('status'), None


def _text_message(text):
    if re.search(r'<html|<!doctype', text, re.I):
        title = re.search(r'<title[^>]*>(.*?)</title>', text, re.I | re.S)
        heading = re.search(r'<h1[^>]*>(.*?)</h1>', text, re.I | re.S)
        parts = [re.sub(r'<[^>]+>|\s+', ' ', m.group(1)).strip() for m in (title, heading) if m]
        return ' - '.join(p for p in dict.fromkeys(parts) if p) or 'HTML error page'
    return text.strip()[:500]


def describe_error(response):
    """A readable message, a code and a transaction id for a failed response."""
    txn = response.headers.get('sap-transactionid') or response.headers.get('x-correlationid')
    msg = code = None
    try:
        msg, code, body_txn = error_from_json(response.json())
        txn = body_txn or txn
    except ValueError:
        pass
    if not msg:
        msg = _text_message(response.text or '') or response.reason or 'no message'
    return str(msg), code, txn


def scrub(text, secrets):
    """Replace every secret (and its Basic-auth form) in a text."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text


class HttpClient:
    """A requests.Session bound to one base URL and one credential.

    auth: a (user, password) tuple for Basic auth, or None.
    token_source: an object with token() and invalidate() for Bearer auth.
    backoff: {status or 'connection': (first delay, factor)} overriding BACKOFF for an API with its own limits.
    """

    def __init__(self, base_url, auth=None, token_source=None, validate_certs=True, ca_path=None, timeout=30,
                 headers=None, error_parser=describe_error, secrets=(), backoff=None):
        self.base_url = base_url.rstrip('/')
        self.backoff = dict(BACKOFF)
        self.backoff.update(backoff or {})
        self.auth = auth
        self.token_source = token_source
        self.timeout = timeout
        self.error_parser = error_parser
        self.secrets = [s for s in secrets if s] + ([auth[1]] if auth else [])
        self.session = requests.Session()
        # Passed on every request: requests lets REQUESTS_CA_BUNDLE override a session-level verify.
        self.verify = ca_path if ca_path else validate_certs
        self.session.headers.update({'Accept': 'application/json', 'Accept-Language': 'en'})
        self.session.headers.update(headers or {})
        if auth:
            self.session.auth = auth

    def url(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.base_url + ('' if path.startswith('/') or not path else '/') + path

    def request(self, method, path, params=None, json_body=None, data=None, files=None, headers=None,
                ok=None, idempotent=None):
        """Send a request, retrying as SAP advises. Returns the response; raises ApiError.

        A POST is not idempotent: when it fails in a way that could have left it applied, ApiError is raised
        with retriable=True so the caller can read and decide (see create_confirmed).
        """
        url = self.url(path)
        idempotent = method.upper() != 'POST' if idempotent is None else idempotent
        refreshed_token = False
        attempt = 0
        while True:
            send_headers = dict(headers or {})
            if self.token_source is not None:
                send_headers['Authorization'] = 'Bearer %s' % self.token_source.token()
            try:
                response = self.session.request(method, url, params=params, json=json_body, data=data, files=files,
                                                headers=send_headers, timeout=self.timeout, verify=self.verify)
            except requests.exceptions.RequestException as exc:
                error = ApiError(scrub('connection error: %s' % exc, self.secrets), method, url, retriable=True)
                # A failed TLS check (an SSLError is a ConnectionError too) fails the same way on every attempt.
                if isinstance(exc, requests.exceptions.SSLError) or \
                        not isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
                    error.retriable = False
                    raise error
                if not idempotent or attempt >= MAX_RETRIES:
                    raise error
                self._sleep(self._backoff('connection', attempt, self.backoff))
                attempt += 1
                continue
            if ok is not None and response.status_code in ok or ok is None and response.status_code < 400:
                return response
            status = response.status_code
            if status == 401 and self.token_source is not None and not refreshed_token:
                self.token_source.invalidate()
                refreshed_token = True
                continue
            if status in RETRY_STATUSES and attempt < MAX_RETRIES and (idempotent or status == 429):
                # A 429 means the request was not processed, so even a POST may be repeated.
                self._sleep(self._retry_after(response, attempt))
                attempt += 1
                continue
            raise self.error(method, url, response)

    def error(self, method, url, response):
        msg, code, txn = self.error_parser(response)
        status = response.status_code
        if status == 401 and self.auth:
            msg += ' (Basic auth is not retried: the user locks after repeated failed logons)'
        return ApiError(scrub(msg, self.secrets), method, url, status, txn,
                        retriable=status in RETRY_STATUSES and status != 429, code=code)

    @staticmethod
    def _backoff(kind, attempt, table=None):
        first, factor = (table or BACKOFF).get(kind, DEFAULT_BACKOFF)
        return first * (factor ** attempt)

    def _retry_after(self, response, attempt):
        value = response.headers.get('Retry-After')
        if value is not None:
            try:
                return min(float(value), MAX_RETRY_AFTER)
            except ValueError:
                pass
        return self._backoff(response.status_code, attempt, self.backoff)

    @staticmethod
    def _sleep(seconds):
        time.sleep(seconds * retry_delay_scale())

    def get_json(self, path, params=None, headers=None, ok=None):
        return decode_json(self.request('GET', path, params=params, headers=headers, ok=ok))


def decode_json(response):
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise ApiError('expected JSON, got %r' % response.text[:200], response.request.method, response.url,
                       response.status_code)


def create_confirmed(post, find, attempts=MAX_RETRIES):
    """POST once; when it fails in a way that may or may not have applied, read before trying again.

    post: callable sending the POST and returning the created object.
    find: callable returning the object if it exists, else None.
    """
    for attempt in range(attempts + 1):
        try:
            return post()
        except ApiError as exc:
            if not exc.retriable or attempt == attempts:
                raise
            found = find()
            if found is not None:
                return found
            time.sleep(HttpClient._backoff(exc.status or 'connection', attempt) * retry_delay_scale())
    raise AssertionError('unreachable')


def dumps(value):
    """Stable JSON text, used to compare structures by meaning."""
    return json.dumps(value, sort_keys=True, separators=(',', ':'))
