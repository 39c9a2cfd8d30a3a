"""Emulated SAP Cloud Identity Services tenant: IPS on its own infrastructure ("sci"), proxy systems and tokens.

Reuses the IPS tenant (services/ips.py) with the differences SAP's documentation of SAP Cloud Identity Services
and Identity Provisioning names:
- documented: POST /oauth2/token (client credentials; client id and secret in Basic auth, form-urlencoded first,
  or in the form body) for an administrator of type System; tokens live 3600 s. The error body is not
  documented; the emulator answers in the RFC 6749 shape.
- documented: the proxy SCIM API at /ipsproxy/service/api/v1/scim/<system id>, for a Bearer token from this
  tenant or Basic auth with the administrator's client id and secret; the administrator needs the permission
  "Access Proxy System API" (403 otherwise).
- the system carries the S/4HANA Cloud URL, User and Password in its own properties; there are no Neo
  destinations on this infrastructure.
- emulator-only: administrators of type System are seeded (the admin console has no API for them).
"""

import secrets

from emulator import tokens
from emulator.core import HttpError, json_response, route
from emulator.demo import DEMO
from emulator.services.ips import BackendError, IpsTenant
from emulator.services.s4_business import scim_error

PROXY_PERMISSION = 'Access Proxy System API'
TOKEN_LIFETIME = 3600


def oauth_error(status, error, description):
    return HttpError(json_response(status, {'error': error, 'error_description': description}))


class IasTenant(IpsTenant):
    kind = 'ias'
    scim_prefix = '/ipsproxy/service/api/v1/scim'

    def initial_state(self):
        state = super().initial_state()
        state.update(system_admins={}, tokens={})
        return state

    def demo_seed(self):
        return {'admins': {DEMO['ips_admin_user']: DEMO['ips_admin_password']},
                'system_admins': {DEMO['ias_client_id']: {'secret': DEMO['ias_client_secret'],
                                                          'name': 'IDM proxy access',
                                                          'permissions': [PROXY_PERMISSION]}}}

    def seed(self, data):
        """As IPS, plus system_admins: {client id: {secret or certificate_subject (RFC 4514, an administrator that
        logs on with a certificate), name, permissions: [UI names]}} (made by hand)."""
        result = super().seed(data)
        for client_id, admin in (data.get('system_admins') or {}).items():
            self.state['system_admins'][client_id] = {'secret': admin.get('secret'), 'name': admin.get('name', client_id),
                                                      'certificate_subject': admin.get('certificate_subject'),
                                                      'permissions': list(admin.get('permissions') or [])}
        return result

    def inject(self, action, params):
        if action != 'expire_tokens':
            return False
        self.state['tokens'] = {}
        self.save()
        return True

    def client(self, client_id, secret):
        admin = self.state['system_admins'].get(client_id or '')
        return admin if admin and secret and admin.get('secret') and secrets.compare_digest(admin['secret'], secret) \
            else None

    @route('POST', r'/oauth2/token')
    def token(self, request):
        # grant_type belongs in the form body (documented); a query parameter is accepted too, because how IDM's
        # connector sends it is not known. Basic credentials are form-urlencoded before encoding (documented).
        if tokens.grant_type(request) != 'client_credentials':
            raise oauth_error(400, 'unsupported_grant_type', 'grant_type must be client_credentials')
        client_id, secret = tokens.client_of(request, in_form=True, urlencoded_basic=True)
        admin = self.state['system_admins'].get(client_id or '')
        if admin and admin.get('certificate_subject'):
            # X.509 client authentication (documented for the token endpoint): the certificate, no secret.
            if not tokens.certificate_matches(request, admin['certificate_subject']):
                raise oauth_error(401, 'invalid_client', 'Client authentication failed')
        elif self.client(client_id, secret) is None:
            raise oauth_error(401, 'invalid_client', 'Client authentication failed')
        token = tokens.issue(self.state, TOKEN_LIFETIME, TOKEN_LIFETIME, token=secrets.token_urlsafe(32),
                             client_id=client_id)
        self.save()
        return json_response(200, {'access_token': token, 'token_type': 'Bearer', 'expires_in': TOKEN_LIFETIME})

    def authorize_caller(self, request):
        token = request.bearer()
        creds = request.basic_auth()
        admin = None
        if token:
            info = tokens.valid(self.state, token)
            if info:
                admin = self.state['system_admins'].get(info['client_id'])
        elif creds:
            admin = self.client(*creds)
        if admin is None:
            raise scim_error(401, 'Unauthorized')
        if PROXY_PERMISSION not in admin['permissions']:
            raise scim_error(403, 'The administrator %s lacks the permission "%s"' % (admin['name'], PROXY_PERMISSION))

    def token_url(self):
        return self.url + '/oauth2/token'

    def destination(self, name):
        raise BackendError('Destination %s: this infrastructure has no Neo destinations; give URL, User and '
                           'Password as properties of the system' % name)
