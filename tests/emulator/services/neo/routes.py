"""Routes of the emulated SAP BTP Neo hosts: platform API (tokens, authorization management), configuration
service, app OAuth. State and rules are in model.py.

Provenance of each route is written next to it (and in tests/emulator/README.md):
- documented: SAP help (SAP-docs/btp-neo-environment);
- observed: SAP-owned code only (SAP-archive/cloud-neo-api-client, SAP-samples migration scripts);
- emulator-only: the /_emulator seed and fault actions (registrations that are made in the cockpit by hand).
"""

import email.parser
from urllib.parse import unquote

from emulator import tokens
from emulator.core import HttpError, Service, json_response, route, text_response
from emulator.services.neo.model import (
    MANAGE_AUTHZ, READ_AUTHZ, AppOAuthModel, DestinationsModel, PlatformModel)
from emulator.services.neo.properties import parse_properties, properties_text

ROLES = r'/authorization/v1/accounts/(?P<account>[^/]+)/apps/(?P<application>[^/]+)/roles'


def unauthorized(text='Unauthorized'):
    # Status documented for Neo OAuth; the body is unconfirmed, so a short text.
    return HttpError(text_response(401, text))


def basic_client(request, model):
    """The client id of a Basic Authorization header of a registered client, or a 401. Neo takes client
    credentials only in the header."""
    if request.form().get('client_secret') or request.query.get('client_secret'):
        raise unauthorized('client credentials are accepted only in the Authorization header')
    client_id, secret = tokens.client_of(request)
    if model.client(client_id, secret) is None:
        raise unauthorized()
    return client_id


class NeoApi(Service):
    """api.<host>: platform API tokens and the Authorization Management API."""

    kind = 'neo_api'
    model_class = PlatformModel

    def refused(self, request, refusal):
        if refusal.status == 404:
            return json_response(404, {'message': refusal.message})
        return text_response(refusal.status, refusal.message)

    def token_info(self, token):
        return self.model.token_info(token)

    def holds_role(self, account, provider, application, role, user):
        return self.model.holds_role(account, provider, application, role, user)

    # documented: POST https://api.<host>/oauth2/apitoken/v1?grant_type=client_credentials, Basic auth only,
    # {"access_token","token_type":"Bearer","expires_in":1500,"scope":"hcp.<scope> ..."}.
    @route('POST', r'/oauth2/apitoken/v1')
    def platform_token(self, request):
        if tokens.grant_type(request, form=False) != 'client_credentials':
            return json_response(400, {'error': 'unsupported_grant_type'})
        token, lifetime, client = self.model.issue_token(basic_client(request, self.model))
        return json_response(200, {'access_token': token, 'token_type': 'Bearer', 'expires_in': lifetime,
                                   'scope': ' '.join('hcp.' + s for s in client['scopes'])})

    def role_users(self, request, account, application, scopes):
        self.model.authorize(request.bearer(), account, scopes)
        return self.model.role_users(account, application, request.query.get('providerAccount'),
                                     request.query.get('roleName'))

    # observed (SAP-archive/cloud-neo-api-client): role list of an own or subscribed application.
    @route('GET', ROLES)
    def list_roles(self, request, account, application):
        self.model.authorize(request.bearer(), account, READ_AUTHZ)
        roles = self.model.app(account, application, request.query.get('providerAccount'))['roles']
        return json_response(200, {'roles': [{'name': r, 'type': 'PREDEFINED', 'applicationRole': True,
                                              'shared': True} for r in sorted(roles)]})

    # observed: GET .../roles/users?providerAccount=&roleName= -> {"users":[{"name"}]}
    @route('GET', ROLES + '/users')
    def list_role_users(self, request, account, application):
        users = self.role_users(request, account, application, READ_AUTHZ)
        return json_response(200, {'users': [{'name': u} for u in users]})

    # observed: PUT .../roles/users?providerAccount=&roleName= {"users":[{"name"}]} -> 201
    @route('PUT', ROLES + '/users')
    def assign_users(self, request, account, application):
        users = self.role_users(request, account, application, MANAGE_AUTHZ)
        try:
            names = [u['name'] for u in (request.json() or {})['users']]
        except (ValueError, KeyError, TypeError):
            return json_response(400, {'message': 'expected {"users":[{"name":...}]}'})
        self.model.assign(users, names)
        return text_response(201, '')

    # observed: DELETE .../roles/users?users=a;b&providerAccount=&roleName= -> 200
    @route('DELETE', ROLES + '/users')
    def unassign_users(self, request, account, application):
        users = self.role_users(request, account, application, MANAGE_AUTHZ)
        if not request.query.get('users'):
            # Semantics without users= are unconfirmed; refuse rather than guess.
            return json_response(400, {'message': 'users is required'})
        self.model.unassign(users, request.query['users'].split(';'))
        return text_response(200, '')


CONFIG_BASE = r'/configuration/api/rest/oauth/SPACES/(?P<account>[^/]+)'
APP_BASE = CONFIG_BASE + r'/appliances/(?P<application>[^/]+)/components/web/base/connectivity'
SUBSCRIPTION_BASE = APP_BASE + r'/provideraccount/(?P<provider>[^/]+)/providerapplication/(?P<papp>[^/]+)'


class NeoConfigApi(Service):
    """configapi.<host>: destinations at subaccount, application and subscription level.

    Observed in SAP code only (SAP-archive/cloud-neo-api-client DestinationConfigurationRestApiClient, SAP-samples
    btp-neo-java-app-migration); not in SAP's help pages.
    """

    kind = 'neo_configapi'
    model_class = DestinationsModel

    def refused(self, request, refusal):
        return text_response(refusal.status, refusal.message)

    def subaccount_destination(self, account, name):
        return self.model.subaccount_destination(account, name)

    def _level(self, request, account, write, application=None, provider=None, papp=None):
        info = self.peer(self.config.get('auth_host', 'neo_api')).token_info(request.bearer())
        return self.model.authorize(info, account, write, application, provider, papp)

    @staticmethod
    def _list(items):
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
        parts = [p for p in message.walk() if not p.is_multipart()]
        if not parts:
            return text_response(400, 'no destination in the upload')
        destinations = [(part.get_param('name', header='content-disposition'),
                         parse_properties(part.get_payload(decode=True).decode('utf-8'))) for part in parts]
        return text_response(201 if self.model.upload(items, destinations) else 200, '')

    def _get(self, items, name):
        values = self.model.read(items, unquote(name))
        return text_response(200, properties_text(values), content_type='application/octet-stream')

    def _delete(self, items, name):
        self.model.delete(items, unquote(name))
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
    model_class = AppOAuthModel

    def refused(self, request, refusal):
        return json_response(refusal.status, {'error': refusal.message})

    def validate_app_token(self, token):
        return self.model.validate_app_token(token)

    def registration(self, client_id):
        return self.model.registration(client_id)

    # documented: POST https://oauthasservices-<consumer>.<host>/oauth2/api/v1/token?grant_type=client_credentials
    # with the client's Basic auth (Security > OAuth > Branding > OAuth URLs).
    @route('POST', r'/oauth2/api/v1/token')
    def app_token(self, request):
        if tokens.grant_type(request) != 'client_credentials':
            return json_response(400, {'error': 'unsupported_grant_type'})
        token, lifetime = self.model.issue_token(self._client(request))
        return json_response(200, {'access_token': token, 'token_type': 'Bearer', 'expires_in': lifetime,
                                   'scope': ''})

    def _client(self, request):
        """The authenticated client: Basic auth (documented), or, only on a tenant of variant neo_oauth_x509
        (unconfirmed), the client id in the form body with a verified client certificate of its subject."""
        if request.basic_auth() or not self.model.accepts_certificates():
            return basic_client(request, self.model)
        client_id = request.form().get('client_id')
        client = self.model.certificate_client(client_id)
        if not (client and tokens.certificate_matches(request, client['certificate_subject'])):
            raise unauthorized()
        return client_id
