# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP Identity Provisioning (IPS) client: the only place that knows its URLs.

Two very different things live here:
- The proxy SCIM API and its token endpoints: documented by SAP (CONFIRMED). Used to verify a proxy system.
- Proxy system management: IPS has no API for it. `IpsAdminClient` speaks the collection's own REST contract
  (docs/ips-idm-contract.md), which the emulator implements and no SAP system does; the `file` transport writes
  the JSON for the UI's "Define from File" instead. Formats come from ips_idm_formats.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from urllib.parse import urlsplit

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import require
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import ContractClient
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.certificates import client_certificate
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.options import env_option, tls_options
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import HttpClient, decode_json
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.oauth import TokenSource

# The collection's own contract for proxy systems (never an SAP API).
CONTRACT_BASE = '/sapcloud-identity/ips/v1'
ANY_STATUS = range(100, 600)


def ips_argument_spec():
    """Options of every module of action group ips: the sapcloud.identity.ips and sapcloud.identity.ips.admin doc
    fragments. Module defaults of group/sapcloud.identity.ips reach every module of the group, so each takes them all,
    also the checks that never call the admin API (otherwise 'Unsupported parameters' would echo the password)."""
    return dict(
        infrastructure=env_option('SAP_IPS_INFRASTRUCTURE', default='neo', choices=['neo', 'sci']),
        proxy_url=env_option('SAP_IPS_PROXY_URL'),
        ips_admin_url=env_option('SAP_IPS_ADMIN_URL'),
        ips_admin_user=env_option('SAP_IPS_ADMIN_USER'),
        ips_admin_password=env_option('SAP_IPS_ADMIN_PASSWORD', no_log=True),
    )


def ips_proxy_argument_spec():
    """Options of the sapcloud.identity.ips.proxy doc fragment."""
    return dict(
        token_url=env_option('SAP_IPS_TOKEN_URL', no_log=False),
        client_id=env_option('SAP_IPS_CLIENT_ID'),
        client_secret=env_option('SAP_IPS_CLIENT_SECRET', no_log=True),
        client_cert=env_option('SAP_IPS_CLIENT_CERT', type='path'),
        client_key=env_option('SAP_IPS_CLIENT_KEY', type='path', no_log=False),
        client_key_passphrase=env_option('SAP_IPS_CLIENT_KEY_PASSPHRASE', no_log=True),
    )


# Options of an X.509 client (an IAS administrator of type System with a certificate) instead of client_secret.
PROXY_CLIENT_CERT_OPTIONS = ('client_cert', 'client_key', 'client_key_passphrase')


def proxy_client_credentials(params):
    """The checked client certificate (cert, key, passphrase) of the proxy client, or None when it uses
    client_secret; one of the two is required."""
    certificate = client_certificate(params, PROXY_CLIENT_CERT_OPTIONS)
    if certificate is None:
        require(params, ('client_secret',), 'unless client_cert and client_key are given')
    return certificate


def check_system_id(value, parameter):
    """A proxy system ID ends the SCIM URL path, so it must be one non-empty path segment."""
    if not (value or '').strip() or re.search(r'[/?#\r\n\t]', value):
        raise ValidationError('%s must be the ID of a proxy system in IPS (not empty, no "/", "?", "#" or line '
                              'breaks), got %r' % (parameter, value))


def scim_base_url(infrastructure, proxy_url, system_id):
    """The proxy system's SCIM base URL (documented pattern), or None while the id or host is unknown."""
    if not proxy_url or not system_id:
        return None
    return proxy_url.rstrip('/') + fmt.PROXY_SCIM_PATHS[infrastructure] + system_id


def default_token_url(infrastructure, proxy_url):
    """IAS issues tokens on the tenant host itself; Neo's token host (oauthasservices-<consumer>) cannot be derived."""
    if infrastructure == 'sci' and proxy_url:
        return proxy_url.rstrip('/') + fmt.TOKEN_PATHS['sci']
    return None


def check_system_name(name):
    if not name or len(name) > fmt.SYSTEM_NAME_MAX or not re.fullmatch(fmt.SYSTEM_NAME_PATTERN, name):
        raise ValidationError('name must be 1 to %d characters of a-z, A-Z, 0-9, "-", "_", "." and space (IPS rule), '
                              'got %r' % (fmt.SYSTEM_NAME_MAX, name))


def _property_text(value, parameter):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise ValidationError('%s must be a string, number or boolean' % parameter)


def _check_rule(rule, text, parameter, secret=False):
    shown = '' if secret else ', got %r' % text
    if rule == fmt.NO_COMMA and ',' in text:
        raise ValidationError('%s must not contain a comma (IPS rejects it)' % parameter)
    if rule == fmt.INTEGER and not re.fullmatch(r'[0-9]+', text):
        raise ValidationError('%s must be a whole number%s' % (parameter, shown))
    if isinstance(rule, tuple) and text not in rule:
        raise ValidationError('%s must be one of %s%s' % (parameter, ', '.join(rule), shown))


def normalize_properties(properties):
    """{name: text or None}: IPS keeps properties as text; None asks for the property's removal."""
    out = {}
    for name, value in (properties or {}).items():
        parameter = 'properties.%s' % name
        if value is None:
            out[name] = None
            continue
        text = _property_text(value, parameter)
        rule = fmt.S4_PROXY_PROPERTIES.get(name)
        if rule:
            _check_rule(rule, text, parameter)
        if name == 'URL':
            check_s4_url(text, parameter)
        out[name] = text
    return out


def normalize_credentials(credentials):
    out = {}
    for name, value in (credentials or {}).items():
        parameter = 'credential_properties.%s' % name
        if value in (None, ''):
            raise ValidationError('%s must have a value' % parameter)
        text = _property_text(value, parameter)
        rule = fmt.S4_PROXY_CREDENTIAL_PROPERTIES.get(name)
        if rule:
            _check_rule(rule, text, parameter, secret=True)
        out[name] = text
    return out


def check_s4_url(url, parameter):
    parts = urlsplit(url)
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise ValidationError('%s must be a full URL such as https://my123456-api.s4hana.cloud.sap, got %r'
                              % (parameter, url))
    host = parts.hostname.lower()
    if host.endswith(fmt.S4_TENANT_HOST_SUFFIXES) and not host.split('.')[0].endswith('-api'):
        raise ValidationError('%s must be the tenant\'s API host (my123456-api.s4hana...), not the UI host %s: '
                              'Basic auth on the UI host ends in a SAML redirect' % (parameter, host))


def parse_transformation(value, parameter):
    """A transformation as a dict (given as a dict or as JSON text), or None when not given."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValidationError('%s is not valid JSON: %s' % (parameter, exc))
    if not isinstance(value, dict):
        raise ValidationError('%s must be a JSON object (a dict), got %s' % (parameter, type(value).__name__))
    return value


def credential_reset(before, after):
    """True when a URL/host property changes, which makes IPS drop the credential properties."""
    names = set(n.lower() for n in fmt.CREDENTIAL_RESET_PROPERTIES)
    old = dict((k.lower(), v) for k, v in (before or {}).items() if k.lower() in names)
    new = dict((k.lower(), v) for k, v in (after or {}).items() if k.lower() in names)
    return old != new


def system_document(name, description, connector_type, destination_name, properties, credentials,
                    read_transformation, write_transformation):
    """A proxy system in the shape of an IPS JSON export. credentials: {name: value or None (not shown)}."""
    keys = fmt.SYSTEM_KEYS
    doc = dict(fmt.SYSTEM_FIXED_FIELDS)
    doc.update({
        keys['name']: name,
        keys['description']: description or '',
        keys['connector_type']: connector_type,
        keys['destination_name']: destination_name or '',
        keys['properties']: dict(properties or {}),
        keys['credential_properties']: dict(credentials or {}),
    })
    for option, value in (('read_transformation', read_transformation), ('write_transformation', write_transformation)):
        key = keys[option]
        doc[fmt.TRANSFORMATION_FLAGS[key]] = value is not None
        if value is not None:
            doc[key] = value
    return doc


def render_json(document):
    """Byte-stable JSON text: sorted keys, fixed indentation, one trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, separators=(',', ': ')) + '\n'


class IpsAdminClient(ContractClient):
    """Proxy systems through the collection's own REST contract (docs/ips-idm-contract.md; emulator only)."""

    def __init__(self, params):
        super(IpsAdminClient, self).__init__(params, 'ips_admin', CONTRACT_BASE, 'systems')


class ProxyClient:
    """The documented proxy SCIM API of one proxy system, with a fresh client-credentials token."""

    def __init__(self, params, scim_url, token_url):
        infrastructure = params['infrastructure']
        tls = tls_options(params)
        # No token cache: a check must prove that the client id and secret (or certificate) work now.
        certificate = proxy_client_credentials(params)
        self.tokens = TokenSource(token_url, params['client_id'], params['client_secret'],
                                  grant_in_query=fmt.TOKEN_GRANT_IN_QUERY[infrastructure], use_cache=False,
                                  client_cert=certificate, **tls)
        self.http = HttpClient(scim_url, token_source=self.tokens, secrets=(params['client_secret'],),
                               headers={'Accept': 'application/scim+json, application/json'}, **tls)

    def token(self):
        """Request a token now (proves the client id and secret)."""
        return self.tokens.token()

    def page(self, resource, count=1, start_index=1):
        """One ListResponse page of Users or Groups, asked once: a 5xx may be S/4HANA's 401 behind the proxy, and
        repeating the call would lock the communication user (three failed logons)."""
        response = self.http.request('GET', resource, params={'startIndex': str(start_index), 'count': str(count)},
                                     ok=ANY_STATUS)
        if response.status_code >= 400:
            raise self.http.error('GET', self.http.url(resource), response)
        return decode_json(response)
