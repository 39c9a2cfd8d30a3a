"""SAP BTP, Neo environment: platform API (tokens, authorization management), configuration service, app OAuth.

Provenance of each route is written next to it (and in tests/emulator/README.md):
- documented: SAP help (SAP-docs/btp-neo-environment);
- observed: SAP-owned code only (SAP-archive/cloud-neo-api-client, SAP-samples migration scripts);
- emulator-only: the /_emulator seed and fault actions (registrations that are made in the cockpit by hand).
"""

import collections
import email.parser
import re
import time
from urllib.parse import unquote

from emulator import tokens
from emulator.core import HttpError, Service, json_response, route, text_response
from emulator.demo import DEMO

READ_AUTHZ = ('readAuthorizationSettings', 'manageAuthorizationSettings', 'readApplicationRoles',
              'manageApplicationRoles')
MANAGE_AUTHZ = ('manageAuthorizationSettings', 'manageApplicationRoles')
READ_DESTINATIONS = ('readDestination', 'manageDestination')
MANAGE_DESTINATIONS = ('manageDestination',)
ALL_SCOPES = sorted(set(READ_AUTHZ + READ_DESTINATIONS))
# A token issued with expires_in 0 still has to stop working some time.
DEFAULT_SERVER_LIFETIME = 1500


def unauthorized(text='Unauthorized'):
    # Status documented for Neo OAuth; the body is unconfirmed, so a short text.
    return HttpError(text_response(401, text))


def basic_client(request, clients):
    """The client of a Basic Authorization header, or a 401. Neo takes client credentials only in the header."""
    if request.form().get('client_secret') or request.query.get('client_secret'):
        raise unauthorized('client credentials are accepted only in the Authorization header')
    client_id, secret = tokens.client_of(request)
    if client_id not in clients or clients[client_id]['secret'] != secret:
        raise unauthorized()
    return client_id


class NeoApi(Service):
    """api.<host>: platform API tokens and the Authorization Management API."""

    kind = 'neo_api'

    def __init__(self, name, config, emulator):
        super().__init__(name, config, emulator)
        self.calls = collections.defaultdict(collections.deque)

    def initial_state(self):
        return {'clients': {}, 'tokens': {}, 'apps': {}, 'options': {
            'token_lifetime': int(self.config.get('token_lifetime', 1500)),
            'rate_limit': int(self.config.get('rate_limit', 100)),
            'rate_window': float(self.config.get('rate_window', 60))}}

    def reset(self):
        self.calls.clear()
        super().reset()

    def demo_seed(self):
        client = {'secret': DEMO['neo_platform_client_secret'], 'account': DEMO['neo_consumer_subaccount'],
                  'scopes': ALL_SCOPES}
        return {'clients': {DEMO['neo_platform_client_id']: client},
                'subscriptions': [{'account': DEMO['neo_consumer_subaccount'],
                                   'provider': DEMO['neo_provider_subaccount'], 'application': 'ipsproxy',
                                   'roles': ['IPS_PROXY_USER']}]}

    def seed(self, data):
        """clients: {id: {secret, account, scopes}}; subscriptions: [{account, provider, application, roles}]."""
        for client_id, client in (data.get('clients') or {}).items():
            self.state['clients'][client_id] = {'secret': client['secret'], 'account': client['account'],
                                                'scopes': list(client.get('scopes') or ALL_SCOPES)}
        for sub in data.get('subscriptions') or []:
            app = self.state['apps'].setdefault(self.app_key(sub['account'], sub.get('provider'), sub['application']),
                                                {'roles': {}})
            for role in sub.get('roles') or []:
                app['roles'].setdefault(role, [])
        return {'seeded': self.name}

    def inject(self, action, params):
        if action == 'expire_tokens':
            self.state['tokens'] = {}
        elif action == 'token_lifetime':
            self.state['options']['token_lifetime'] = int(params['seconds'])
        elif action == 'rate_limit':
            self.state['options']['rate_limit'] = int(params.get('limit', 100))
            self.state['options']['rate_window'] = float(params.get('window', 60))
            self.calls.clear()
        else:
            return False
        self.save()
        return True

    @staticmethod
    def app_key(account, provider, application):
        return '%s|%s|%s' % (account, provider or account, application)

    # documented: POST https://api.<host>/oauth2/apitoken/v1?grant_type=client_credentials, Basic auth only,
    # {"access_token","token_type":"Bearer","expires_in":1500,"scope":"hcp.<scope> ..."}.
    @route('POST', r'/oauth2/apitoken/v1')
    def platform_token(self, request):
        if tokens.grant_type(request, form=False) != 'client_credentials':
            return json_response(400, {'error': 'unsupported_grant_type'})
        client_id = basic_client(request, self.state['clients'])
        client = self.state['clients'][client_id]
        lifetime = self.state['options']['token_lifetime']
        token = tokens.issue(self.state, lifetime, DEFAULT_SERVER_LIFETIME, client_id=client_id,
                             account=client['account'], scopes=client['scopes'])
        self.save()
        return json_response(200, {'access_token': token, 'token_type': 'Bearer', 'expires_in': lifetime,
                                   'scope': ' '.join('hcp.' + s for s in client['scopes'])})

    def token_info(self, token):
        """The platform token's {client_id, account, scopes}, or None (for the configuration service)."""
        with self.lock:
            return tokens.valid(self.state, token)

    def holds_role(self, account, provider, application, role, user):
        """Whether user holds role of the (subscribed) application: for other emulated hosts, e.g. the IPS proxy."""
        with self.lock:
            app = self.state['apps'].get(self.app_key(account, provider, application)) or {}
            return user in app.get('roles', {}).get(role, [])

    def _authorize(self, request, account, scopes):
        # documented: 100 requests a minute per subaccount, then a bare "429 Too many requests".
        options = self.state['options']
        calls = self.calls[account]
        now = time.monotonic()
        while calls and calls[0] <= now - options['rate_window']:
            calls.popleft()
        if len(calls) >= options['rate_limit']:
            raise HttpError(text_response(429, 'Too many requests'))
        calls.append(now)
        info = tokens.valid(self.state, request.bearer())
        if info is None or info['account'] != account:
            raise unauthorized()
        if not set(scopes) & set(info['scopes']):
            # unconfirmed for this API: assumed by analogy with the configuration service
            raise HttpError(text_response(403, 'Forbidden: scope %s required' % ' or '.join(scopes)))

    def _app(self, account, application, request):
        app = self.state['apps'].get(self.app_key(account, request.query.get('providerAccount'), application))
        if app is None:
            raise HttpError(json_response(404, {'message': 'application %s not found' % application}))
        return app

    def _role_users(self, account, application, request):
        role = request.query.get('roleName')
        users = self._app(account, application, request)['roles'].get(role)
        if users is None:
            raise HttpError(json_response(404, {'message': 'role %s not found' % role}))
        return users

    # observed (SAP-archive/cloud-neo-api-client): role list of an own or subscribed application.
    @route('GET', r'/authorization/v1/accounts/(?P<account>[^/]+)/apps/(?P<application>[^/]+)/roles')
    def list_roles(self, request, account, application):
        self._authorize(request, account, READ_AUTHZ)
        roles = self._app(account, application, request)['roles']
        return json_response(200, {'roles': [{'name': r, 'type': 'PREDEFINED', 'applicationRole': True,
                                              'shared': True} for r in sorted(roles)]})

    # observed: GET .../roles/users?providerAccount=&roleName= -> {"users":[{"name"}]}
    @route('GET', r'/authorization/v1/accounts/(?P<account>[^/]+)/apps/(?P<application>[^/]+)/roles/users')
    def role_users(self, request, account, application):
        self._authorize(request, account, READ_AUTHZ)
        users = self._role_users(account, application, request)
        return json_response(200, {'users': [{'name': u} for u in users]})

    # observed: PUT .../roles/users?providerAccount=&roleName= {"users":[{"name"}]} -> 201
    @route('PUT', r'/authorization/v1/accounts/(?P<account>[^/]+)/apps/(?P<application>[^/]+)/roles/users')
    def assign_users(self, request, account, application):
        self._authorize(request, account, MANAGE_AUTHZ)
        users = self._role_users(account, application, request)
        try:
            names = [u['name'] for u in (request.json() or {})['users']]
        except (ValueError, KeyError, TypeError):
            return json_response(400, {'message': 'expected {"users":[{"name":...}]}'})
        users.extend(n for n in names if n not in users)
        self.save()
        return text_response(201, '')

    # observed: DELETE .../roles/users?users=a;b&providerAccount=&roleName= -> 200
    @route('DELETE', r'/authorization/v1/accounts/(?P<account>[^/]+)/apps/(?P<application>[^/]+)/roles/users')
    def unassign_users(self, request, account, application):
        self._authorize(request, account, MANAGE_AUTHZ)
        users = self._role_users(account, application, request)
        if not request.query.get('users'):
            # Semantics without users= are unconfirmed; refuse rather than guess.
            return json_response(400, {'message': 'users is required'})
        for name in request.query['users'].split(';'):
            if name in users:
                users.remove(name)
        self.save()
        return text_response(200, '')


def properties_text(values):
    """A .properties document as Java's Properties.store writes it (comment line, escaped keys and values)."""
    def esc(text, key):
        out = []
        for index, char in enumerate(text):
            if char in '\\=:#!':
                out.append('\\' + char)
            elif char == ' ' and (key or index == 0):
                out.append('\\ ')
            elif char in '\t\n\r\f':
                out.append({'\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f'}[char])
            elif ord(char) > 0xffff:  # Java strings are UTF-16: two \\u escapes for a character outside the BMP
                code = ord(char) - 0x10000
                out.append('\\u%04X\\u%04X' % (0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff)))
            elif ord(char) > 0x7e or ord(char) < 0x20:
                out.append('\\u%04X' % ord(char))
            else:
                out.append(char)
        return ''.join(out)
    lines = ['#%s' % time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())]
    lines += ['%s=%s' % (esc(k, True), esc(v, False)) for k, v in sorted(values.items())]
    return '\n'.join(lines) + '\n'


def parse_properties(text):
    """Just enough of the .properties format for what clients upload: key=value or key:value lines, escapes and
    continuation lines. Only leading blanks are dropped (as java.util.Properties does): a value keeps its trailing
    spaces."""
    values = {}
    pending = ''
    for raw in text.splitlines():
        line = raw.lstrip(' \t\f')
        if not pending and (not line or line[0] in '#!'):
            continue
        if (len(line) - len(line.rstrip('\\'))) % 2:
            pending += line[:-1]
            continue
        line, pending = pending + line, ''
        match = re.match(r'((?:\\.|[^=:\\\s])*)[ \t\f]*[=:]?[ \t\f]*(.*)$', line, re.S)
        key, value = (re.sub(r'\\u([0-9a-fA-F]{4})', lambda m: chr(int(m.group(1), 16)), g) for g in match.groups())
        unescape = {'t': '\t', 'n': '\n', 'r': '\r', 'f': '\f'}
        key, value = (re.sub(r'\\(.)', lambda m: unescape.get(m.group(1), m.group(1)), g, flags=re.S)
                      for g in (key, value))
        values[key] = join_surrogates(value)
    return values


def join_surrogates(text):
    """Characters outside the BMP arrive as two \\u escapes (UTF-16 units): one character again."""
    return re.sub('[\ud800-\udbff][\udc00-\udfff]', lambda m: chr(
        0x10000 + ((ord(m.group(0)[0]) - 0xd800) << 10) + ord(m.group(0)[1]) - 0xdc00), text)


CONFIG_BASE = r'/configuration/api/rest/oauth/SPACES/(?P<account>[^/]+)'
APP_BASE = CONFIG_BASE + r'/appliances/(?P<application>[^/]+)/components/web/base/connectivity'
SUBSCRIPTION_BASE = APP_BASE + r'/provideraccount/(?P<provider>[^/]+)/providerapplication/(?P<papp>[^/]+)'


class NeoConfigApi(Service):
    """configapi.<host>: destinations at subaccount, application and subscription level.

    Observed in SAP code only (SAP-archive/cloud-neo-api-client DestinationConfigurationRestApiClient, SAP-samples
    btp-neo-java-app-migration); not in SAP's help pages. Whether GET returns the password is unconfirmed: the
    `return_password` option (inject action 'configure') switches it; default off, like `neo get-destination`.
    """

    kind = 'neo_configapi'

    def initial_state(self):
        return {'destinations': {}, 'options': {'return_password': bool(self.config.get('return_password', False))}}

    def demo_seed(self):
        return {}

    def seed(self, data):
        """destinations: {level key: {name: {property: value}}} (level key as in the state)."""
        for level, items in (data.get('destinations') or {}).items():
            self.state['destinations'].setdefault(level, {}).update(items)
        return {'seeded': self.name}

    def inject(self, action, params):
        if action != 'configure':
            return False
        if 'return_password' in params:
            self.state['options']['return_password'] = bool(params['return_password'])
        self.save()
        return True

    def _level(self, request, account, write, application=None, provider=None, papp=None):
        info = self.peer(self.config.get('auth_host', 'neo_api')).token_info(request.bearer())
        # observed status handler: 401 = invalid token or unknown subaccount, 403 = scope missing
        if info is None or info['account'] != account:
            raise unauthorized()
        needed = MANAGE_DESTINATIONS if write else READ_DESTINATIONS
        if not set(needed) & set(info['scopes']):
            raise HttpError(text_response(403, 'Forbidden'))
        if provider and papp != application:
            raise HttpError(text_response(404, 'Not Found'))
        key = 'subaccount:%s' % account
        if application:
            key = 'application:%s:%s' % (account, application)
        if provider:
            key = 'subscription:%s:%s:%s' % (account, provider, application)
        return self.state['destinations'].setdefault(key, {})

    def _list(self, items):
        # observed: a text list, one name per line; the SAP sample reads 404 as "none".
        if not items:
            return text_response(404, 'Not Found')
        return text_response(200, ''.join(n + '\n' for n in sorted(items)))

    def _upload(self, request, items):
        # observed: multipart/form-data, part name = destination name, part body = .properties
        content_type = request.header('Content-Type', '')
        if not content_type.startswith('multipart/form-data'):
            return text_response(415, 'multipart/form-data expected')
        message = email.parser.BytesParser().parsebytes(
            b'Content-Type: ' + content_type.encode('latin-1') + b'\r\n\r\n' + request.body)
        created = False
        parts = [p for p in message.walk() if not p.is_multipart()]
        if not parts:
            return text_response(400, 'no destination in the upload')
        for part in parts:
            name = part.get_param('name', header='content-disposition')
            values = parse_properties(part.get_payload(decode=True).decode('utf-8'))
            values.setdefault('Name', name)
            if values['Name'] != name or not re.match(r'^[A-Za-z0-9_-]{1,200}$', name or ''):
                return text_response(400, 'invalid destination name %s' % name)
            created = created or name not in items
            items[name] = values
        self.save()
        return text_response(201 if created else 200, '')

    def _get(self, items, name):
        name = unquote(name)
        if name not in items:
            return text_response(404, 'Not Found')
        values = dict(items[name])
        if not (self.state['options']['return_password'] or self.switch('return_password')):
            values.pop('Password', None)
        return text_response(200, properties_text(values), content_type='application/octet-stream')

    def _delete(self, items, name):
        name = unquote(name)
        if name not in items:
            return text_response(404, 'Not Found')
        del items[name]
        self.save()
        return text_response(200, '')

    @route('GET', CONFIG_BASE + r'/connectivity/?')
    def list_subaccount(self, request, account):
        return self._list(self._level(request, account, False))

    @route('POST', CONFIG_BASE + r'/connectivity/?')
    def upload_subaccount(self, request, account):
        return self._upload(request, self._level(request, account, True))

    @route('GET', CONFIG_BASE + r'/connectivity/(?P<name>[^/]+)')
    def get_subaccount(self, request, account, name):
        return self._get(self._level(request, account, False), name)

    @route('DELETE', CONFIG_BASE + r'/connectivity/(?P<name>[^/]+)')
    def delete_subaccount(self, request, account, name):
        return self._delete(self._level(request, account, True), name)

    @route('GET', APP_BASE + r'/?')
    def list_application(self, request, account, application):
        return self._list(self._level(request, account, False, application))

    @route('POST', APP_BASE + r'/?')
    def upload_application(self, request, account, application):
        return self._upload(request, self._level(request, account, True, application))

    @route('GET', APP_BASE + r'/(?P<name>[^/]+)')
    def get_application(self, request, account, application, name):
        return self._get(self._level(request, account, False, application), name)

    @route('DELETE', APP_BASE + r'/(?P<name>[^/]+)')
    def delete_application(self, request, account, application, name):
        return self._delete(self._level(request, account, True, application), name)

    @route('GET', SUBSCRIPTION_BASE + r'/?')
    def list_subscription(self, request, account, application, provider, papp):
        return self._list(self._level(request, account, False, application, provider, papp))

    @route('POST', SUBSCRIPTION_BASE + r'/?')
    def upload_subscription(self, request, account, application, provider, papp):
        return self._upload(request, self._level(request, account, True, application, provider, papp))

    @route('GET', SUBSCRIPTION_BASE + r'/(?P<name>[^/]+)')
    def get_subscription(self, request, account, application, provider, papp, name):
        return self._get(self._level(request, account, False, application, provider, papp), name)

    @route('DELETE', SUBSCRIPTION_BASE + r'/(?P<name>[^/]+)')
    def delete_subscription(self, request, account, application, provider, papp, name):
        return self._delete(self._level(request, account, True, application, provider, papp), name)


class NeoOAuth(Service):
    """oauthasservices-<consumer>.<host>: tokens of OAuth clients registered (in the cockpit) in that subaccount.

    The registration has no public API: it is seeded through /_emulator/seed. The token endpoint is documented.
    Other hosts (the IPS proxy) check tokens with validate_app_token().
    """

    kind = 'neo_oauth'

    def initial_state(self):
        return {'clients': {}, 'tokens': {}}

    def demo_seed(self):
        return {'clients': {DEMO['neo_oauth_client_id']: {
            'secret': DEMO['neo_oauth_client_secret'],
            'subscription': '%s/ipsproxy' % DEMO['neo_provider_subaccount'],
            'account': DEMO['neo_consumer_subaccount']}}}

    def seed(self, data):
        """clients: {id: {secret or certificate_subject (RFC 4514, a client that logs on with a certificate; only
        tenant variant neo_oauth_x509 accepts it), subscription "<provider>/<app>", account, token_lifetime (s),
        grant}}; remove: [id, ...] (a registration deleted in the cockpit)."""
        for client_id, client in (data.get('clients') or {}).items():
            self.state['clients'][client_id] = {
                'secret': client.get('secret'), 'certificate_subject': client.get('certificate_subject'),
                'subscription': client['subscription'],
                'account': client.get('account', DEMO['neo_consumer_subaccount']),
                'token_lifetime': int(client.get('token_lifetime', 3600)),
                'grant': client.get('grant', 'client_credentials')}
        for client_id in data.get('remove') or []:
            self.state['clients'].pop(client_id, None)
            self.state['tokens'] = dict((t, v) for t, v in self.state['tokens'].items() if v['client_id'] != client_id)
        return {'seeded': self.name}

    def inject(self, action, params):
        if action != 'expire_tokens':
            return False
        self.state['tokens'] = {}
        self.save()
        return True

    # documented: POST https://oauthasservices-<consumer>.<host>/oauth2/api/v1/token?grant_type=client_credentials
    # with the client's Basic auth (Security > OAuth > Branding > OAuth URLs).
    @route('POST', r'/oauth2/api/v1/token')
    def app_token(self, request):
        if tokens.grant_type(request) != 'client_credentials':
            return json_response(400, {'error': 'unsupported_grant_type'})
        client_id = self._client(request)
        client = self.state['clients'][client_id]
        if client['grant'] != 'client_credentials':
            return json_response(400, {'error': 'unauthorized_client'})
        token = tokens.issue(self.state, client['token_lifetime'], DEFAULT_SERVER_LIFETIME, client_id=client_id)
        self.save()
        return json_response(200, {'access_token': token, 'token_type': 'Bearer',
                                   'expires_in': client['token_lifetime'], 'scope': ''})

    def _client(self, request):
        """The authenticated client: Basic auth (documented), or, only on a tenant of variant neo_oauth_x509
        (unconfirmed), the client id in the form body with a verified client certificate of its subject."""
        if request.basic_auth() or not self.switch('x509_client_auth'):
            return basic_client(request, self.state['clients'])
        client_id = request.form().get('client_id')
        client = self.state['clients'].get(client_id or '')
        if not (client and client.get('certificate_subject')
                and tokens.certificate_matches(request, client['certificate_subject'])):
            raise unauthorized()
        return client_id

    def validate_app_token(self, token):
        """The client id a valid application token was issued to, else None."""
        with self.lock:
            info = tokens.valid(self.state, token)
            return info['client_id'] if info and info['client_id'] in self.state['clients'] else None

    def registration(self, client_id):
        """The registration without its secret ({subscription, account, ...}), or None."""
        with self.lock:
            client = self.state['clients'].get(client_id)
            return dict((k, v) for k, v in client.items() if k != 'secret') if client else None
