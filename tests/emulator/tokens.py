"""Client-credentials tokens, shared by the four token endpoints of the emulated hosts (Neo platform API, Neo app
OAuth, Cloud Foundry XSUAA, SAP Cloud Identity Services).

The endpoints differ only where SAP documents a difference (where the grant type and the client may be sent, the
answer's shape, the error bodies); reading the client and the grant, issuing, expiring and checking tokens is here.
Tokens live in the host's state['tokens'] as {token: {expires_at, ...what the endpoint records}}.
"""

import secrets
import time
from urllib.parse import unquote


def grant_type(request, query=True, form=True):
    """The grant type from the query and/or the form body."""
    return (request.query.get('grant_type') if query else None) or (request.form().get('grant_type') if form else None)


def client_of(request, in_form=False, urlencoded_basic=False):
    """(client id, secret) from Basic auth (form-urlencoded first when urlencoded_basic), or from the form body
    when in_form; (None, None) when neither holds one."""
    creds = request.basic_auth()
    if creds:
        return (unquote(creds[0]), unquote(creds[1])) if urlencoded_basic else creds
    if in_form:
        form = request.form()
        return form.get('client_id'), form.get('client_secret')
    return None, None


def certificate_matches(request, subject):
    """Whether the request came with a client certificate (verified by the TLS layer) whose subject is subject."""
    if not request.client_cert:
        return False
    from cryptography import x509
    return x509.load_der_x509_certificate(request.client_cert).subject.rfc4514_string() == subject


def issue(state, lifetime, default_lifetime, token=None, **info):
    """A new token for info, valid lifetime seconds (default_lifetime when lifetime is 0 or less); drops expired
    ones first."""
    now = time.time()
    tokens = state.setdefault('tokens', {})
    for stale in [t for t, v in tokens.items() if v['expires_at'] < now]:
        del tokens[stale]
    token = token or secrets.token_hex(16)
    info['expires_at'] = now + (lifetime if lifetime > 0 else default_lifetime)
    tokens[token] = info
    return token


def valid(state, token):
    """What the token was issued for, while it is valid; else None."""
    info = state.get('tokens', {}).get(token or '')
    return info if info and info['expires_at'] > time.time() else None
