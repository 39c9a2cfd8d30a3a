# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP BTP clients, Neo and Cloud Foundry: the only place that knows BTP URLs.

Neo (hosts derived from the landscape host, e.g. hana.ondemand.com):
- platform API token: POST https://api.<host>/oauth2/apitoken/v1?grant_type=client_credentials, Basic auth only
  (documented). Tokens live 1500 s and are reused through oauth.TokenSource.
- Authorization Management API https://api.<host>/authorization/v1/accounts/<subaccount> (documented: base, scopes,
  100 requests a minute per subaccount, bare 429); the role/user endpoints are observed in SAP's archived Java
  client (SAP-archive/cloud-neo-api-client), not in the help pages.
- destinations: the configuration service https://configapi.<host>/configuration/api/rest (observed in SAP code
  only): multipart upload of a Java .properties document, .properties GET, name listing, DELETE.
- application tokens of a registered OAuth client: https://oauthasservices-<consumer>.<host>/oauth2/api/v1/token
  (documented); registering the client has no public API.

Cloud Foundry: the Destination service as SAP's OpenAPI spec describes it (documented), with an XSUAA
client-credentials token from the service key's `url` + /oauth/token.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.module_utils.six.moves.urllib.parse import quote, urlsplit

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url, require
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.certificates import check_pem_pair, pem_files
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.java_properties import (
    properties_dump, properties_load)
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.options import env_option, tls_options
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import (
    HttpClient, create_confirmed, decode_json)
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.oauth import TokenSource

NEO_TOKEN_PATH = '/oauth2/apitoken/v1'
NEO_AUTHZ_PATH = '/authorization/v1/accounts'
NEO_CONFIG_PATH = '/configuration/api/rest/oauth/SPACES'
NEO_APP_TOKEN_PATH = '/oauth2/api/v1/token'
IPS_PROXY_SCIM_PATH = '/ipsproxy/api/v1/scim'
CF_TOKEN_PATH = '/oauth/token'
CF_DESTINATION_PATH = '/destination-configuration/v1'

# The Authorization Management API allows 100 requests a minute and its 429 carries no Retry-After:
# wait 5, 15, 45 s, so the last try falls into the next minute.
NEO_AUTHZ_BACKOFF = {429: (5.0, 3)}

DESTINATION_NAME = re.compile(r'^[A-Za-z0-9_-]{1,200}$')
DESTINATION_NAME_RULE = 'only letters, digits, "_" and "-", 1 to 200 characters'
# Destination properties that hold secrets besides Password (CF returns them in clear).
SECRET_PROPERTY = re.compile(r'password|secret', re.I)
KEYSTORE_SUFFIXES = ('.jks', '.p12', '.pfx', '.pem', '.jceks', '.crt', '.cer')
# Authentication types of destinations that SAP's destination documentation lists (Neo and Cloud Foundry).
AUTHENTICATIONS = (
    'NoAuthentication', 'BasicAuthentication', 'ClientCertificateAuthentication', 'PrincipalPropagation',
    'AppToAppSSO', 'SAPAssertionSSO', 'SAMLAssertion', 'OAuth2ClientCredentials', 'OAuth2Password',
    'OAuth2SAMLBearerAssertion', 'OAuth2UserTokenExchange', 'OAuth2JWTBearer', 'OAuth2TokenExchange',
    'OAuth2RefreshToken', 'OAuth2AuthorizationCode', 'OAuth2TechnicalUserPropagation')
NEO_LEVELS = ('subaccount', 'application', 'subscription')
CF_LEVELS = ('subaccount', 'instance')


def neo_argument_spec():
    """Options of the sapcloud.identity.btp_neo doc fragment."""
    return dict(
        landscape_host=env_option('SAP_NEO_LANDSCAPE_HOST'),
        subaccount=env_option('SAP_NEO_SUBACCOUNT', aliases=['consumer_subaccount']),
        api_url=env_option('SAP_NEO_API_URL'),
        configapi_url=env_option('SAP_NEO_CONFIGAPI_URL'),
        oauth_url=env_option('SAP_NEO_OAUTH_URL'),
        platform_client_id=env_option('SAP_NEO_PLATFORM_CLIENT_ID'),
        platform_client_secret=env_option('SAP_NEO_PLATFORM_CLIENT_SECRET', no_log=True),
    )


def cf_argument_spec():
    """Options of the sapcloud.identity.btp_cf doc fragment."""
    return dict(
        service_key=env_option('SAP_CF_DESTINATION_SERVICE_KEY', type='raw', no_log=True),
    )


def destination_scope_argument_spec():
    """Options of the sapcloud.identity.btp_destination doc fragment."""
    return dict(
        platform=dict(type='str', required=True, choices=['neo', 'cf']),
        level=dict(type='str', default='subaccount', choices=['subaccount', 'instance', 'application', 'subscription']),
        application=dict(type='str'),
        provider_subaccount=dict(type='str'),
    )


def neo_url(params, option, prefix):
    """An explicit base URL option, else https://<prefix>.<landscape_host>."""
    if params.get(option):
        return check_base_url(params[option], option)
    if not params.get('landscape_host'):
        raise ValidationError('%s or landscape_host is required' % option)
    host = params['landscape_host'].strip().rstrip('/')
    if '/' in host or ':' in host:
        raise ValidationError('landscape_host must be a host name such as hana.ondemand.com, got %s' % host)
    return 'https://%s.%s' % (prefix, host)


def check_account(value, option):
    if value in (None, ''):
        raise ValidationError('%s is required' % option)
    if not re.fullmatch(r'[A-Za-z0-9][A-Za-z0-9_.-]*', value):
        raise ValidationError('%s must be a subaccount technical name (letters, digits, ".", "_", "-"), got %s'
                              % (option, value))


def check_application(value):
    require({'application': value}, ['application'])
    if not re.fullmatch(r'[a-z0-9]{1,30}', value):
        raise ValidationError('application must be a Neo application name (lower-case letters and digits, at most '
                              '30), got %s' % value)


def neo_platform_tokens(params):
    """The platform API client's token source (one cache entry for the API and configuration hosts)."""
    require(params, ('platform_client_id', 'platform_client_secret'))
    return TokenSource(neo_url(params, 'api_url', 'api') + NEO_TOKEN_PATH, params['platform_client_id'],
                       params['platform_client_secret'], grant_in_query=True, **tls_options(params))


def neo_app_token_url(params):
    """The token URL of a registered Neo OAuth client: <oauth_url>/oauth2/api/v1/token, the OAuth host being
    https://oauthasservices-<subaccount>.<landscape_host> unless oauth_url is given."""
    return neo_url(params, 'oauth_url', 'oauthasservices-' + params['subaccount']).rstrip('/') + NEO_APP_TOKEN_PATH


def ips_proxy_url(params):
    """The IPS proxy a consumer subaccount reaches: proxy_url, else
    https://ipsproxy<provider_subaccount>-<subaccount>.<landscape_host> (the subscription's application URL)."""
    return neo_url(params, 'proxy_url', 'ipsproxy%s-%s' % (params['provider_subaccount'], params['subaccount']))


def neo_app_tokens(params, token_url, client_id, client_secret, client_cert=None):
    """Tokens of a registered Neo OAuth client (client credentials, Basic auth, grant in the query); with
    client_cert (cert file, key file, passphrase) X.509 client authentication instead (unconfirmed for Neo)."""
    return TokenSource(token_url, client_id, client_secret, grant_in_query=True, client_cert=client_cert,
                       **tls_options(params))


def users_of(body):
    """User names from a role-users response: {"users":[{"name"}]} (SAP's Java client) or [{"userId"}] (seen in
    an SAP migration script); both are accepted because the sources disagree."""
    items = body.get('users', []) if isinstance(body, dict) else body or []
    names = []
    for item in items:
        if isinstance(item, dict):
            name = item.get('name') or item.get('userId')
        else:
            name = item
        if name:
            names.append(name)
    return names


class NeoAuthorization:
    """Role assignments through the Neo Authorization Management API (paths observed in SAP's Java client)."""

    def __init__(self, params, tokens):
        self.account = params['subaccount']
        self.http = HttpClient(neo_url(params, 'api_url', 'api'), token_source=tokens, backoff=NEO_AUTHZ_BACKOFF,
                               **tls_options(params))

    def _path(self, application):
        return '%s/%s/apps/%s/roles/users' % (NEO_AUTHZ_PATH, quote(self.account, safe=''), quote(application, safe=''))

    @staticmethod
    def _query(provider, role, **extra):
        query = dict(extra)
        if provider:
            query['providerAccount'] = provider
        query['roleName'] = role
        return query

    def role_users(self, application, provider, role):
        return users_of(self.http.get_json(self._path(application), params=self._query(provider, role)))

    def assign(self, application, provider, role, user):
        self.http.request('PUT', self._path(application), params=self._query(provider, role),
                          json_body={'users': [{'name': user}]})

    def unassign(self, application, provider, role, user):
        # Always name the user: a DELETE without users= has unconfirmed semantics.
        self.http.request('DELETE', self._path(application), params=self._query(provider, role, users=user))


class NeoDestinations:
    """Destinations through the Neo configuration service (configapi; observed in SAP code, not documented)."""

    def __init__(self, params, tokens, secrets=()):
        self.http = HttpClient(neo_url(params, 'configapi_url', 'configapi'), token_source=tokens,
                               secrets=secrets, **tls_options(params))
        self.collection = self.collection_path(params)

    @staticmethod
    def collection_path(params):
        level = params.get('level') or 'subaccount'
        base = '%s/%s' % (NEO_CONFIG_PATH, quote(params['subaccount'], safe=''))
        if level == 'subaccount':
            return base + '/connectivity/'
        app = quote(params['application'], safe='')
        path = '%s/appliances/%s/components/web/base/connectivity/' % (base, app)
        if level == 'subscription':
            path += 'provideraccount/%s/providerapplication/%s/' % (quote(params['provider_subaccount'], safe=''), app)
        return path

    def names(self):
        response = self.http.request('GET', self.collection, headers={'Accept': 'text/plain'}, ok=(200, 404))
        if response.status_code == 404:
            return []
        names = [line.strip() for line in response.text.splitlines() if line.strip()]
        return [n for n in names if not n.lower().endswith(KEYSTORE_SUFFIXES)]

    def get(self, name):
        response = self.http.request('GET', self.collection + quote(name, safe=''),
                                     headers={'Accept': 'application/octet-stream'}, ok=(200, 404))
        if response.status_code == 404:
            return None
        values = properties_load(response.content.decode('utf-8'))
        self.http.secrets.extend(v for k, v in values.items() if SECRET_PROPERTY.search(k) and v)
        return values

    def create(self, destination):
        """Upload (the configuration service has one upsert for create and overwrite). Returns True."""
        self.update(destination)
        return True

    def update(self, destination):
        """Create or overwrite: one multipart part named after the destination, holding its .properties."""
        body = properties_dump(destination).encode('utf-8')
        name = destination['Name']
        # An upsert may be repeated safely: the same document overwrites the same destination.
        self.http.request('POST', self.collection, files={name: (name, body, 'application/octet-stream')},
                          idempotent=True)

    def delete(self, name):
        response = self.http.request('DELETE', self.collection + quote(name, safe=''), ok=(200, 202, 204, 404))
        return response.status_code != 404


def parse_service_key(value):
    """url, clientid, clientsecret, uri from a service key (dict or JSON text; UAA fields flat or under 'uaa'). An
    X.509 service key (certificate and key instead of a secret) gives certificate, key and the token host certurl
    as url instead of clientsecret."""
    if value in (None, ''):
        raise ValidationError('service_key is required for platform cf (option or SAP_CF_DESTINATION_SERVICE_KEY)')
    if not isinstance(value, dict):
        try:
            value = json.loads(value)
        except (TypeError, ValueError):
            raise ValidationError('service_key must be a dict or a JSON object text')
    if not isinstance(value, dict):
        raise ValidationError('service_key must be a dict or a JSON object text')
    if isinstance(value.get('credentials'), dict):  # the form `cf service-key` prints with --guid/v3 output
        value = value['credentials']
    uaa = value.get('uaa') if isinstance(value.get('uaa'), dict) else value
    if uaa.get('certificate') or uaa.get('credential-type') == 'x509':
        return x509_service_key(value, uaa)
    key = dict(url=uaa.get('url'), clientid=uaa.get('clientid'), clientsecret=uaa.get('clientsecret'),
               uri=value.get('uri'))
    missing = [k for k in ('url', 'clientid', 'clientsecret', 'uri') if not key[k]]
    if missing:
        raise ValidationError('service_key lacks %s (a Destination service key has url, clientid, clientsecret and '
                              'uri, the UAA fields optionally under "uaa")' % ', '.join(missing))
    for field in ('url', 'uri'):
        if not re.match(r'^https?://', key[field]):
            raise ValidationError('service_key %s must be an http(s) URL' % field)
    return key


def x509_service_key(value, uaa):
    """An X.509 service key: the token request goes to certurl with the key's certificate (mutual TLS)."""
    key = dict(url=uaa.get('certurl'), clientid=uaa.get('clientid'), certificate=uaa.get('certificate'),
               key=uaa.get('key'), uri=value.get('uri'), clientsecret=None)
    missing = [k for k in ('certurl', 'clientid', 'certificate', 'key', 'uri')
               if not key['url' if k == 'certurl' else k]]
    if missing:
        raise ValidationError('service_key (X.509) lacks %s (an X.509 Destination service key has certurl, clientid, '
                              'certificate, key and uri)' % ', '.join(missing))
    for field in ('url', 'uri'):
        if not re.match(r'^https?://', key[field]):
            raise ValidationError('service_key %s must be an http(s) URL' % ('certurl' if field == 'url' else field))
    check_pem_pair(key['certificate'], key['key'], 'service_key.certificate', 'service_key.key')
    return key


class CfDestinations:
    """Subaccount or instance destinations of the CF Destination service (documented, SAP's OpenAPI spec)."""

    def __init__(self, params, secrets=()):
        key = parse_service_key(params.get('service_key'))
        token_url = key['url'].rstrip('/') + CF_TOKEN_PATH
        if key.get('certificate'):
            with pem_files(key['certificate'], key['key']) as client_cert:
                self.tokens = TokenSource(token_url, key['clientid'], None, client_cert=client_cert,
                                          **tls_options(params))
        else:
            self.tokens = TokenSource(token_url, key['clientid'], key['clientsecret'], **tls_options(params))
        self.http = HttpClient(key['uri'], token_source=self.tokens, secrets=list(secrets) + [key['clientsecret']],
                               **tls_options(params))
        level = params.get('level') or 'subaccount'
        self.collection = '%s/%s' % (CF_DESTINATION_PATH,
                                     'instanceDestinations' if level == 'instance' else 'subaccountDestinations')

    def _remember_secrets(self, destination):
        # GET returns passwords in clear: keep them out of any later error message.
        self.http.secrets.extend(v for k, v in destination.items()
                                 if SECRET_PROPERTY.search(k) and isinstance(v, str) and v)

    def list(self):
        found = self.http.get_json(self.collection) or []
        for item in found:
            self._remember_secrets(item)
        return found

    def names(self):
        return [item.get('Name') for item in self.http.get_json(self.collection, params={'$select': 'Name'}) or []]

    def get(self, name):
        response = self.http.request('GET', '%s/%s' % (self.collection, quote(name, safe='')), ok=(200, 404))
        if response.status_code == 404:
            return None
        found = decode_json(response)
        self._remember_secrets(found)
        return found

    def create(self, destination):
        """POST. On 409 Duplicate key (created meanwhile, by a parallel run for example) the destination is
        overwritten with a PUT, so create is an upsert on both platforms (Neo's upload is one)."""
        def post():
            response = self.http.request('POST', self.collection, json_body=destination, ok=(201, 409))
            return response.status_code == 201
        if not create_confirmed(post, lambda: self.get(destination['Name']) and True):
            self.update(destination)

    def update(self, destination):
        self.http.request('PUT', self.collection, json_body=destination)

    def delete(self, name):
        response = self.http.request('DELETE', '%s/%s' % (self.collection, quote(name, safe='')), ok=(200, 404))
        return response.status_code != 404


def destination_client(params, secrets=()):
    if params['platform'] == 'cf':
        return CfDestinations(params, secrets)
    return NeoDestinations(params, neo_platform_tokens(params), secrets)


def check_destination_scope(params):
    """Validate platform, level and the options each level needs, before any request."""
    platform = params['platform']
    level = params.get('level') or 'subaccount'
    if platform == 'cf':
        if level not in CF_LEVELS:
            raise ValidationError('level %s is not available on platform cf (use %s)' % (level, ' or '.join(CF_LEVELS)))
        parse_service_key(params.get('service_key'))
        return
    if level not in NEO_LEVELS:
        raise ValidationError('level %s is not available on platform neo (use %s)' % (level, ', '.join(NEO_LEVELS)))
    check_account(params.get('subaccount'), 'subaccount')
    if level in ('application', 'subscription'):
        check_application(params.get('application'))
    if level == 'subscription':
        check_account(params.get('provider_subaccount'), 'provider_subaccount')
    neo_url(params, 'api_url', 'api')
    neo_url(params, 'configapi_url', 'configapi')
    require(params, ('platform_client_id', 'platform_client_secret'))


def check_destination_name(name):
    if name is not None and not DESTINATION_NAME.fullmatch(name):
        raise ValidationError('name must have %s, got %r' % (DESTINATION_NAME_RULE, name[:250]))


def check_http_url(url):
    """The URL of an HTTP destination: http(s) with a host."""
    parts = urlsplit(url or '')
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        raise ValidationError('url must be an http:// or https:// URL with a host name for a destination of type '
                              'HTTP, got %r' % url)


def check_authentication(value, allow_unknown, warn):
    """An authentication type SAP lists; another one fails, or only warns when allow_unknown."""
    if value is None or value in AUTHENTICATIONS:
        return
    message = ('authentication %r is not one of the known values (%s)' % (value, ', '.join(AUTHENTICATIONS)))
    if not allow_unknown:
        raise ValidationError(message + '; set allow_unknown_authentication=true to send it anyway')
    warn(message + '; it is sent as given (allow_unknown_authentication=true)')


def secret_keys(*destinations):
    """Property names that hold secrets in any of the given destinations."""
    keys = set(['Password'])
    for destination in destinations:
        keys.update(k for k in destination or {} if SECRET_PROPERTY.search(k))
    return keys


def public(destination, secrets=None):
    """A destination without its secret properties, safe to return."""
    if destination is None:
        return None
    hidden = secrets if secrets is not None else secret_keys(destination)
    return dict((k, v) for k, v in destination.items() if k not in hidden)
