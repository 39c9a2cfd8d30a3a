# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport shared by every service client.

Retries follow SAP's guidance for its cloud APIs: connection errors, 408, 429
(honouring Retry-After), 500, 502, 503 and 504 are retried a bounded number of
times; 401 and 403 on Basic auth never are, because an S/4HANA communication
user locks after three failed logons. A 401 on a Bearer token drops the token
and retries once with a new one.

`timeout` is one deadline per request: every attempt, back-off and Retry-After
wait of that request fits in it (connecting has its own shorter limit). A retry
that would end after the deadline is not started.

Error messages say where (system host, method, path, the object a POST was
about), the HTTP status, the service's own message with its details, and the
fix when the cause is known (TLS trust, http/https mix-up, UI host instead of
API host, wrong credentials).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import socket
import ssl
import time
import traceback

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

from ansible.module_utils.six.moves.urllib.parse import quote, quote_plus, urlsplit

RETRY_STATUSES = (408, 429, 500, 502, 503, 504)
MAX_RETRIES = 3
MAX_RETRY_AFTER = 120.0
# (first delay in seconds, factor), per SAP's token-handling best practices.
BACKOFF = {'connection': (0.3, 2), 500: (1.0, 3), 503: (1.0, 3)}
DEFAULT_BACKOFF = (0.5, 2)
MASK = '********'
CONNECT_TIMEOUT = 10.0
# Body fields that name the object a POST creates (never a secret).
OBJECT_KEYS = ('Name', 'name', 'ID', 'id', 'CommunicationArrangementName', 'CommunicationSystemID', 'displayName')
TLS_HINT = ("trust the server's certificate authority with ca_path (environment variable SAPCLOUD_CA_PATH), or on a "
            "test system only set validate_certs=false (SAPCLOUD_VALIDATE_CERTS=false)")
API_HOST_HINT = ('the URL is probably a user-interface host that answers with a logon page; use the API host (for '
                 'SAP S/4HANA Cloud https://<tenant>-api.s4hana.cloud.sap or https://<tenant>-api.s4hana.ondemand.com, '
                 'with "-api")')


def retry_delay_scale():
    """Scale for back-off delays; tests set SAPCLOUD_RETRY_DELAY_SCALE=0 to keep runs fast."""
    try:
        return float(os.environ.get('SAPCLOUD_RETRY_DELAY_SCALE', '1'))
    except ValueError:
        return 1.0


class ApiError(Exception):
    """Any failed call: method, URL path, status, the server's message and SAP's transaction id."""

    def __init__(self, message, method=None, url=None, status=None, transaction_id=None, retriable=False, code=None,
                 subject=None):
        super(ApiError, self).__init__(message)
        self.message = message
        self.method = method
        parts = urlsplit(url) if url else None
        # An ApiError re-raised with an .path of an earlier one gets a path without a host.
        self.path = parts.path if parts else None
        self.host = parts.netloc if parts and parts.netloc else None
        self.status = status
        self.transaction_id = transaction_id
        self.retriable = retriable
        self.code = code
        self.subject = subject

    def __str__(self):
        where = ' '.join(p for p in (self.method, self.path) if p)
        if where and self.subject:
            where += ' (%s)' % self.subject
        if where and self.host:
            where += ' on %s' % self.host
        status = 'HTTP %s' % self.status if self.status else 'no response'
        text = '%s failed (%s): %s' % (where, status, self.message) if where else self.message
        if self.transaction_id:
            text += ' [transaction id %s]' % self.transaction_id
        return text

    def as_dict(self):
        return dict(method=self.method, path=self.path, host=self.host, object=self.subject, status=self.status,
                    message=self.message, transaction_id=self.transaction_id, code=self.code)


def _first(mapping, *keys):
    for key in keys:
        if isinstance(mapping, dict) and mapping.get(key):
            return mapping[key]
    return None


def _joined(message, details):
    """message followed by the details that add something to it."""
    extra = []
    for detail in details:
        text = str(detail).strip()
        if text and text != message and text not in extra:
            extra.append(text)
    if not extra:
        return message
    return '%s (%s)' % (message, '; '.join(extra)) if message else '; '.join(extra)


def _odata_details(err):
    """The details list of OData V4 (error.details) and V2 (error.innererror.errordetails), with targets."""
    inner = err.get('innererror') if isinstance(err.get('innererror'), dict) else {}
    items = list(err.get('details') or []) + list(inner.get('errordetails') or [])
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        msg = item.get('message')
        if isinstance(msg, dict):
            msg = msg.get('value')
        if not msg:
            continue
        target = item.get('target') or item.get('propertyref')
        out.append('%s: %s' % (target, msg) if target else msg)
    return out


def _violations(body):
    """CF Destination service validation errors: [{"configuration": "URL", "errors": ["..."]}]."""
    out = []
    for item in body.get('violations') or []:
        if isinstance(item, dict):
            errors = item.get('errors') or []
            errors = errors if isinstance(errors, list) else [errors]
            where = item.get('configuration') or item.get('property')
            out.extend('%s: %s' % (where, e) if where else str(e) for e in errors)
        elif item:
            out.append(str(item))
    return out


def error_from_json(body):
    """(message, code, transaction id) from the JSON error shapes SAP services use, details included."""
    if not isinstance(body, dict):
        return None, None, None
    err = body.get('error')
    if isinstance(err, dict):
        # OData V4 has a plain string message, V2 a {"lang", "value"} object.
        msg = err.get('message')
        if isinstance(msg, dict):
            msg = msg.get('value')
        if err.get('target') and msg:
            msg = '%s: %s' % (err['target'], msg)
        msg = _joined(msg, _odata_details(err))
        inner = err.get('innererror') if isinstance(err.get('innererror'), dict) else {}
        txn = inner.get('transactionid') or (inner.get('ErrorDetails') or {}).get('@SAP__common.TransactionId')
        return msg, err.get('code'), txn
    if isinstance(err, str):
        return _first(body, 'error_description', 'message') or err, err, None
    # CF Destination service: {"ErrorMessage": "...", "violations": [...]}; SCIM: {"detail": "..."}.
    msg = _first(body, 'ErrorMessage', 'detail', 'message', 'errorMessage', 'description')
    return _joined(msg, _violations(body)) or None, body.get('status'), None


def html_title(text):
    """'title - heading' of an HTML page, or None when text is not HTML."""
    if not re.search(r'<html|<!doctype', text[:2000], re.I):
        return None
    title = re.search(r'<title[^>]*>(.*?)</title>', text, re.I | re.S)
    heading = re.search(r'<h1[^>]*>(.*?)</h1>', text, re.I | re.S)
    parts = [re.sub(r'<[^>]+>|\s+', ' ', m.group(1)).strip() for m in (title, heading) if m]
    return ' - '.join(p for p in dict.fromkeys(parts) if p) or 'HTML page'


def _text_message(text):
    title = html_title(text)
    if title is not None:
        return title
    return text.strip()[:1000]


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


def connection_reason(exc):
    """The innermost useful reason of a requests exception, without urllib3's connection-pool wording."""
    text = str(exc)
    found = re.search(r'\[SSL: ([A-Z_]+)\] (?:certificate verify failed: )?([^(\'"]+)', text)
    if found:
        return '%s: %s' % (found.group(1), found.group(2).strip().rstrip(':,.'))
    for pattern in (r'\[Errno -?\d+\] ([^\'"()]+)', r"(Read timed out|timed out)",
                    r"RemoteDisconnected\('([^']+)'", r"\d+, '([^']+)'"):
        found = re.search(pattern, text)
        if found:
            return found.group(1).strip().rstrip(':,.')
    return text


def speaks_tls(url, timeout):
    """True when host:port of an http:// URL completes a TLS handshake: the port wants https://."""
    parts = urlsplit(url)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=min(timeout, 5.0)) as sock:
            with context.wrap_socket(sock, server_hostname=parts.hostname):
                return True
    except (OSError, ValueError):
        return False


def scrub(text, secrets):
    """Replace every secret, plain and URL-encoded, in a text."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            for form in dict.fromkeys((secret, quote(secret, safe=''), quote_plus(secret))):
                text = text.replace(form, MASK)
    return text


def _subject(body):
    """'Name X' for a JSON body that names the object it is about."""
    if isinstance(body, dict):
        for key in OBJECT_KEYS:
            if isinstance(body.get(key), str) and body[key]:
                return '%s %s' % (key, body[key])
    return None


def refused_client_certificate(exc):
    """Whether a TLS failure looks like the server refusing the client certificate: an alert about it, or the
    connection ended mid-handshake (how a TLS 1.3 server answers a certificate it does not trust)."""
    return bool(re.search(r'alert.(?:bad|unknown|certificate|handshake)|unknown.ca|EOF occurred', str(exc), re.I))


def client_certificate_adapter(cert_path, key_path, passphrase=None):
    """A requests adapter whose TLS connections present a client certificate. requests takes only unencrypted key
    files; an SSLContext also takes an encrypted key with its passphrase, so the key never lands on disk in clear."""
    from requests.adapters import HTTPAdapter
    from urllib3.util.ssl_ import create_urllib3_context

    context = create_urllib3_context()
    context.load_cert_chain(cert_path, key_path, password=passphrase)

    class ClientCertificateAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs['ssl_context'] = context
            return super(ClientCertificateAdapter, self).init_poolmanager(*args, **kwargs)

        def proxy_manager_for(self, *args, **kwargs):
            kwargs['ssl_context'] = context
            return super(ClientCertificateAdapter, self).proxy_manager_for(*args, **kwargs)

    return ClientCertificateAdapter()


class HttpClient:
    """A requests.Session bound to one base URL and one credential.

    auth: a (user, password) tuple for Basic auth, or None.
    auth_kind: what a 401 on Basic auth means: 'user' (a logon user, which locks after repeated failures) or
        'client' (an OAuth client id and secret at a token endpoint, which does not lock).
    token_source: an object with token() and invalidate() for Bearer auth.
    timeout: seconds one request may take in total, retries and waits included.
    backoff: {status or 'connection': (first delay, factor)} overriding BACKOFF for an API with its own limits.
    client_cert: (certificate file, key file, passphrase or None) presented in the TLS handshake (mutual TLS),
        checked beforehand by module_utils/codecs/certificates.py.
    """

    def __init__(self, base_url, auth=None, token_source=None, validate_certs=True, ca_path=None, timeout=30,
                 headers=None, error_parser=describe_error, secrets=(), backoff=None, auth_kind='user',
                 client_cert=None):
        if not timeout or timeout <= 0:
            raise ApiError('timeout must be a positive number of seconds (the deadline of one request, retries '
                           'included), got %r' % (timeout,))
        if ca_path and not os.path.isfile(ca_path):
            raise ApiError('ca_path must be a file with PEM certificates, got %s (option ca_path or SAPCLOUD_CA_PATH)'
                           % ca_path)
        self.base_url = base_url.rstrip('/')
        self.backoff = dict(BACKOFF)
        self.backoff.update(backoff or {})
        self.auth = auth
        self.auth_kind = auth_kind
        self.token_source = token_source
        self.timeout = float(timeout)
        self.error_parser = error_parser
        self.secrets = [s for s in secrets if s] + ([auth[1]] if auth else [])
        self.session = requests.Session()
        # Passed on every request: requests lets REQUESTS_CA_BUNDLE override a session-level verify.
        self.verify = ca_path if ca_path else validate_certs
        self.session.headers.update({'Accept': 'application/json', 'Accept-Language': 'en'})
        self.session.headers.update(headers or {})
        if auth:
            self.session.auth = auth
        self.client_cert = client_cert
        if client_cert:
            self.session.mount('https://', client_certificate_adapter(*client_cert))
            self.secrets.extend(s for s in client_cert[2:] if s)

    def url(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.base_url + ('' if path.startswith('/') or not path else '/') + path

    def request(self, method, path, params=None, json_body=None, data=None, files=None, headers=None,
                ok=None, idempotent=None):
        """Send a request, retrying as SAP advises within one deadline. Returns the response; raises ApiError.

        A POST is not idempotent: when it fails in a way that could have left it applied, ApiError is raised
        with retriable=True so the caller can read and decide (see create_confirmed).
        """
        url = self.url(path)
        subject = _subject(json_body)
        idempotent = method.upper() != 'POST' if idempotent is None else idempotent
        deadline = time.time() + self.timeout
        refreshed_token = False
        attempt = 0
        while True:
            send_headers = dict(headers or {})
            if self.token_source is not None:
                send_headers['Authorization'] = 'Bearer %s' % self.token_source.token()
            remaining = max(deadline - time.time(), 0.001)
            try:
                response = self.session.request(method, url, params=params, json=json_body, data=data, files=files,
                                                headers=send_headers, timeout=(min(CONNECT_TIMEOUT, remaining), remaining),
                                                verify=self.verify)
            except requests.exceptions.RequestException as exc:
                error = self.connection_error(method, url, exc, subject)
                if not error.retriable or not idempotent or attempt >= MAX_RETRIES:
                    raise error
                if not self._wait(self._backoff('connection', attempt, self.backoff), deadline):
                    raise self._past_deadline(error)
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
                if self._wait(self._retry_after(response, attempt), deadline):
                    attempt += 1
                    continue
                raise self._past_deadline(self.error(method, url, response, subject))
            raise self.error(method, url, response, subject)

    def connection_error(self, method, url, exc, subject=None):
        """ApiError for a request that got no HTTP answer; retriable unless every attempt would fail alike."""
        reason = connection_reason(exc)
        retriable = isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout))
        if isinstance(exc, requests.exceptions.SSLError):
            # A failed TLS check fails the same way on every attempt.
            retriable = False
            if re.search(r'wrong.version.number|unknown.protocol|record.layer.failure', str(exc), re.I):
                text = ('TLS handshake failed (%s): the port does not speak HTTPS; use http:// or the HTTPS port'
                        % reason)
            elif self.client_cert and refused_client_certificate(exc):
                text = ('TLS handshake failed (%s): the server did not accept the client certificate %s; check that '
                        'a certificate authority the server trusts issued it, that it is still valid and, for '
                        'S/4HANA Cloud, that it is uploaded to the communication user' % (reason, self.client_cert[0]))
            else:
                text = 'TLS verification failed (%s): %s' % (reason, TLS_HINT)
        elif isinstance(exc, requests.exceptions.Timeout):
            text = ('connection error: no answer in time (%s); the timeout of %g s (option timeout or '
                    'SAPCLOUD_TIMEOUT) covers the whole request, retries included' % (reason, self.timeout))
        elif urlsplit(url).scheme == 'http' and isinstance(exc, requests.exceptions.ConnectionError) and \
                not re.search(r'refused|Name or service|resolve|getaddrinfo', str(exc), re.I) and \
                speaks_tls(url, self.timeout):
            retriable = False
            text = ('%s answers with TLS: use https:// instead of http:// in the URL option (connection error: %s)'
                    % (urlsplit(url).netloc, reason))
        else:
            text = 'connection error: %s' % reason
        return ApiError(scrub(text, self.secrets), method, url, retriable=retriable, subject=subject)

    def error(self, method, url, response, subject=None):
        msg, code, txn = self.error_parser(response)
        status = response.status_code
        if status == 401 and self.auth and self.auth_kind == 'client':
            msg += (' (the token endpoint rejected OAuth client %s: check its client id and secret and that the client '
                    'is registered; clients do not lock, but a wrong secret fails every time)' % self.auth[0])
        elif status == 401 and self.auth:
            msg += (' (logon of user %s failed; Basic auth is not retried because the user locks after repeated '
                    'failed logons: check user and password before the next run; S/4HANA Cloud answers the same for '
                    'a locked user and for a communication user no arrangement of this service grants, see '
                    'docs/runbook.md)' % self.auth[0])
        elif status == 401 and self.token_source is not None:
            msg += ' (a new OAuth token was rejected too: check the client\'s roles or scopes for this API)'
        return ApiError(scrub(msg, self.secrets), method, url, status, txn,
                        retriable=status in RETRY_STATUSES and status != 429, code=code, subject=subject)

    def _past_deadline(self, error):
        if 'covers the whole request' not in error.message:
            error.message += ' (no further retry: it would end after the timeout of %g s for the whole request)' \
                % self.timeout
        return error

    def _wait(self, seconds, deadline):
        """Sleep before a retry; False (no sleep) when the retry could not start before the deadline."""
        if time.time() + seconds * retry_delay_scale() >= deadline:
            return False
        self._sleep(seconds)
        return True

    @staticmethod
    def _sleep(seconds):
        time.sleep(seconds * retry_delay_scale())

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

    def get_json(self, path, params=None, headers=None, ok=None):
        return decode_json(self.request('GET', path, params=params, headers=headers, ok=ok))


def decode_json(response):
    """The JSON body of a response; an HTML page (a logon page behind a UI host) fails with the fix."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        method = response.request.method if response.request is not None else None
        title = html_title(response.text or '')
        if title is not None:
            raise ApiError('expected JSON, got an HTML page titled %r; %s' % (title, API_HOST_HINT), method,
                           response.url, response.status_code)
        raise ApiError('expected JSON, got %r' % response.text[:200], method, response.url, response.status_code)


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
