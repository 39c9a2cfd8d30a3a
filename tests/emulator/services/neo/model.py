"""The state and rules of the emulated SAP BTP Neo hosts, without HTTP (routes.py serves them):

- PlatformModel (api.<host>): platform API clients and tokens, the roles of (subscribed) applications and who
  holds them, the documented rate limit of the Authorization Management API;
- DestinationsModel (configapi.<host>): destinations per subaccount, application and subscription level;
- AppOAuthModel (oauthasservices-<consumer>.<host>): OAuth clients registered in the cockpit and their tokens.
"""

import collections
import re
import time

from emulator import tokens
from emulator.demo import DEMO
from emulator.model import Model, Refused

READ_AUTHZ = ('readAuthorizationSettings', 'manageAuthorizationSettings', 'readApplicationRoles',
              'manageApplicationRoles')
MANAGE_AUTHZ = ('manageAuthorizationSettings', 'manageApplicationRoles')
READ_DESTINATIONS = ('readDestination', 'manageDestination')
MANAGE_DESTINATIONS = ('manageDestination',)
ALL_SCOPES = sorted(set(READ_AUTHZ + READ_DESTINATIONS))
# A token issued with expires_in 0 still has to stop working some time.
DEFAULT_SERVER_LIFETIME = 1500


def app_key(account, provider, application):
    return '%s|%s|%s' % (account, provider or account, application)


class PlatformModel(Model):
    """api.<host>: platform API tokens and the Authorization Management API's roles."""

    def __init__(self, config=None, switches=None, save=None):
        super().__init__(config, switches, save)
        self.calls = collections.defaultdict(collections.deque)  # per subaccount, in memory only

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
            app = self.state['apps'].setdefault(app_key(sub['account'], sub.get('provider'), sub['application']),
                                                {'roles': {}})
            for role in sub.get('roles') or []:
                app['roles'].setdefault(role, [])

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

    def client(self, client_id, secret):
        """The registered client of these credentials, or None."""
        client = self.state['clients'].get(client_id)
        return client if client is not None and client['secret'] == secret else None

    def issue_token(self, client_id):
        """(token, lifetime, client) of a new platform token."""
        client = self.state['clients'][client_id]
        lifetime = self.state['options']['token_lifetime']
        token = tokens.issue(self.state, lifetime, DEFAULT_SERVER_LIFETIME, client_id=client_id,
                             account=client['account'], scopes=client['scopes'])
        self.save()
        return token, lifetime, client

    def token_info(self, token):
        """The platform token's {client_id, account, scopes}, or None (for the configuration service)."""
        with self.lock:
            return tokens.valid(self.state, token)

    def holds_role(self, account, provider, application, role, user):
        """Whether user holds role of the (subscribed) application: for other emulated hosts, e.g. the IPS proxy."""
        with self.lock:
            app = self.state['apps'].get(app_key(account, provider, application)) or {}
            return user in app.get('roles', {}).get(role, [])

    def authorize(self, token, account, scopes):
        """A call of the Authorization Management API: within the rate limit (documented: 100 requests a minute
        per subaccount, then 429), with a token of the subaccount (401) holding one of the scopes (403)."""
        options = self.state['options']
        calls = self.calls[account]
        now = time.monotonic()
        while calls and calls[0] <= now - options['rate_window']:
            calls.popleft()
        if len(calls) >= options['rate_limit']:
            raise Refused(429, 'Too many requests')
        calls.append(now)
        info = tokens.valid(self.state, token)
        if info is None or info['account'] != account:
            raise Refused(401, 'Unauthorized')
        if not set(scopes) & set(info['scopes']):
            # unconfirmed for this API: assumed by analogy with the configuration service
            raise Refused(403, 'Forbidden: scope %s required' % ' or '.join(scopes))

    def app(self, account, application, provider):
        app = self.state['apps'].get(app_key(account, provider, application))
        if app is None:
            raise Refused(404, 'application %s not found' % application)
        return app

    def role_users(self, account, application, provider, role):
        users = self.app(account, application, provider)['roles'].get(role)
        if users is None:
            raise Refused(404, 'role %s not found' % role)
        return users

    def assign(self, users, names):
        users.extend(n for n in names if n not in users)
        self.save()

    def unassign(self, users, names):
        for name in names:
            if name in users:
                users.remove(name)
        self.save()


class DestinationsModel(Model):
    """configapi.<host>: destinations ({name: {property: value}}) per level key. Whether a read returns the
    password is unconfirmed: option return_password (fault action 'configure') or the tenant variant."""

    def initial_state(self):
        return {'destinations': {}, 'options': {'return_password': bool(self.config.get('return_password', False))}}

    def demo_seed(self):
        return {}

    def seed(self, data):
        """destinations: {level key: {name: {property: value}}} (level key as in the state)."""
        for level, items in (data.get('destinations') or {}).items():
            self.state['destinations'].setdefault(level, {}).update(items)

    def inject(self, action, params):
        if action != 'configure':
            return False
        if 'return_password' in params:
            self.state['options']['return_password'] = bool(params['return_password'])
        self.save()
        return True

    @staticmethod
    def level_key(account, application=None, provider=None):
        key = 'subaccount:%s' % account
        if application:
            key = 'application:%s:%s' % (account, application)
        if provider:
            key = 'subscription:%s:%s:%s' % (account, provider, application)
        return key

    def authorize(self, info, account, write, application=None, provider=None, papp=None):
        """The caller's platform token info (None: invalid) may read or write the path's level: 401 for another
        subaccount, 403 without the scope; a subscription path names the application twice (404 else)."""
        # observed status handler: 401 = invalid token or unknown subaccount, 403 = scope missing
        if info is None or info['account'] != account:
            raise Refused(401, 'Unauthorized')
        needed = MANAGE_DESTINATIONS if write else READ_DESTINATIONS
        if not set(needed) & set(info['scopes']):
            raise Refused(403, 'Forbidden')
        if provider and papp != application:
            raise Refused(404, 'Not Found')
        return self.state['destinations'].setdefault(self.level_key(account, application, provider), {})

    @staticmethod
    def names(items):
        return sorted(items)

    def upload(self, items, destinations):
        """Store [(name, values)]; a name must be 1..200 of A-Z a-z 0-9 _ - and match the document's Name.
        Returns whether any was new."""
        created = False
        for name, values in destinations:
            values.setdefault('Name', name)
            if values['Name'] != name or not re.match(r'^[A-Za-z0-9_-]{1,200}$', name or ''):
                raise Refused(400, 'invalid destination name %s' % name)
            created = created or name not in items
            items[name] = values
        self.save()
        return created

    def read(self, items, name):
        if name not in items:
            raise Refused(404, 'Not Found')
        values = dict(items[name])
        if not (self.state['options']['return_password'] or self.switch('return_password')):
            values.pop('Password', None)
        return values

    def delete(self, items, name):
        if name not in items:
            raise Refused(404, 'Not Found')
        del items[name]
        self.save()

    def subaccount_destination(self, account, name):
        """A subaccount-level destination (a copy), or None: for other emulated hosts, e.g. the IPS proxy."""
        with self.lock:
            level = self.state['destinations'].get(self.level_key(account)) or {}
            values = level.get(name)
            return dict(values) if values is not None else None


class AppOAuthModel(Model):
    """oauthasservices-<consumer>.<host>: registrations of OAuth clients (made in the cockpit: seeded) and their
    tokens. Other hosts (the IPS proxy) check tokens with validate_app_token()."""

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

    def client(self, client_id, secret):
        client = self.state['clients'].get(client_id)
        return client if client is not None and client['secret'] == secret else None

    def accepts_certificates(self):
        """Whether clients may log on with a certificate instead of a secret (variant neo_oauth_x509, unconfirmed)."""
        return bool(self.switch('x509_client_auth'))

    def certificate_client(self, client_id):
        """A client registered with a certificate (no secret), on a tenant that accepts such a logon; None else."""
        if not self.accepts_certificates():
            return None
        client = self.state['clients'].get(client_id or '')
        return client if client and client.get('certificate_subject') else None

    def issue_token(self, client_id):
        """(token, lifetime) of a new application token; a client registered for another grant is refused."""
        client = self.state['clients'][client_id]
        if client['grant'] != 'client_credentials':
            raise Refused(400, 'unauthorized_client')
        token = tokens.issue(self.state, client['token_lifetime'], DEFAULT_SERVER_LIFETIME, client_id=client_id)
        self.save()
        return token, client['token_lifetime']

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
