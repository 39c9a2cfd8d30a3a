"""Routes of an emulated SAP Cloud Identity Services tenant: IPS on its own infrastructure ("sci"), proxy systems
and tokens. State and rules are in model.py.

Reuses the IPS tenant's routes (services/ips/routes.py) with the differences SAP's documentation of SAP Cloud
Identity Services and Identity Provisioning names:
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

from emulator import tokens
from emulator.core import HttpError, json_response, route
from emulator.services.ias.model import TOKEN_LIFETIME, IasModel
from emulator.services.ips.routes import IpsTenant


def oauth_error(status, error, description):
    return HttpError(json_response(status, {'error': error, 'error_description': description}))


class IasTenant(IpsTenant):
    kind = 'ias'
    model_class = IasModel
    scim_prefix = '/ipsproxy/service/api/v1/scim'

    @route('POST', r'/oauth2/token')
    def token(self, request):
        # grant_type belongs in the form body (documented); a query parameter is accepted too, because how IDM's
        # connector sends it is not known. Basic credentials are form-urlencoded before encoding (documented).
        if tokens.grant_type(request) != 'client_credentials':
            raise oauth_error(400, 'unsupported_grant_type', 'grant_type must be client_credentials')
        client_id, secret = tokens.client_of(request, in_form=True, urlencoded_basic=True)
        admin = self.model.system_admin(client_id)
        if admin and admin.get('certificate_subject'):
            # X.509 client authentication (documented for the token endpoint): the certificate, no secret.
            if not tokens.certificate_matches(request, admin['certificate_subject']):
                raise oauth_error(401, 'invalid_client', 'Client authentication failed')
        elif self.model.client(client_id, secret) is None:
            raise oauth_error(401, 'invalid_client', 'Client authentication failed')
        token = self.model.issue_token(client_id)
        return json_response(200, {'access_token': token, 'token_type': 'Bearer', 'expires_in': TOKEN_LIFETIME})

    def authorize_caller(self, request):
        token = request.bearer()
        creds = request.basic_auth()
        admin = None
        if token:
            admin = self.model.admin_of_token(token)
        elif creds:
            admin = self.model.client(*creds)
        self.model.check_proxy_admin(admin)

    def token_url(self):
        return self.url + '/oauth2/token'
