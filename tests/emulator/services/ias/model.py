"""The state and rules of an emulated SAP Cloud Identity Services tenant (IPS on its own infrastructure, "sci"),
without HTTP (routes.py serves them): the IPS tenant's (services/ips/model.py) with administrators of type
System, their tokens and the permission the proxy SCIM API needs; no Neo destinations on this infrastructure.
"""

import secrets

from emulator import tokens
from emulator.demo import DEMO
from emulator.model import Refused
from emulator.services.ips.model import BackendError, IpsModel

PROXY_PERMISSION = 'Access Proxy System API'
TOKEN_LIFETIME = 3600


class IasModel(IpsModel):

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
        super().seed(data)
        for client_id, admin in (data.get('system_admins') or {}).items():
            self.state['system_admins'][client_id] = {'secret': admin.get('secret'),
                                                      'name': admin.get('name', client_id),
                                                      'certificate_subject': admin.get('certificate_subject'),
                                                      'permissions': list(admin.get('permissions') or [])}

    def system_admin(self, client_id):
        return self.state['system_admins'].get(client_id or '')

    def client(self, client_id, secret):
        """The administrator of type System with this id and secret, or None."""
        admin = self.system_admin(client_id)
        return admin if admin and secret and admin.get('secret') and secrets.compare_digest(admin['secret'], secret) \
            else None

    def issue_token(self, client_id):
        token = tokens.issue(self.state, TOKEN_LIFETIME, TOKEN_LIFETIME, token=secrets.token_urlsafe(32),
                             client_id=client_id)
        self.save()
        return token

    def admin_of_token(self, token):
        info = tokens.valid(self.state, token)
        return self.state['system_admins'].get(info['client_id']) if info else None

    @staticmethod
    def check_proxy_admin(admin):
        """A caller of the proxy SCIM API: an administrator (401 else) with the permission (403 else)."""
        if admin is None:
            raise Refused(401, 'Unauthorized')
        if PROXY_PERMISSION not in admin['permissions']:
            raise Refused(403, 'The administrator %s lacks the permission "%s"' % (admin['name'], PROXY_PERMISSION))

    def destination(self, name):
        raise BackendError('Destination %s: this infrastructure has no Neo destinations; give URL, User and '
                           'Password as properties of the system' % name)
