"""The emulated IPS proxy's calls to the system behind it (its connector): business users and roles of S/4HANA
Cloud, over real HTTP, so a wrong destination, a wrong password, a locked user or a missing arrangement fails as it
would for real. s4hana.cloud.api.version 1 uses QueryBusinessUserIn / ManageBusinessUserIn (the SCIM groups are
the business roles assigned to users), 3 the SAP_COM_0465 SCIM API; which calls IPS's real connector makes is not
documented.
"""

import os
import re
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import requests

from emulator.core import INTERNAL_AGENT
from emulator.scim import SCIM_GROUP, SCIM_USER, filtered, page_of
from emulator.services.ips.model import BackendError
from emulator.soap import children, local, text_of

PROXY_DEFAULT_COUNT, PROXY_MAX_COUNT = 25, 100
S4_QUERY = '/sap/bc/srt/scs_ext/sap/querybusinessuserin'
S4_MANAGE = '/sap/bc/srt/scs_ext/sap/managebusinessuserin'
S4_SCIM = '/sap/bc/http/sap/aps_iam_api_scim'
SOAP_QUERY_ALL = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:aba="http://sap.com/xi/ABA">'
    '<soapenv:Header/><soapenv:Body><aba:BusinessUserSimpleByElementsQuery_sync><BusinessUser/>'
    '<QueryProcessingConditions><QueryHitsUnlimitedIndicator>true</QueryHitsUnlimitedIndicator>'
    '</QueryProcessingConditions></aba:BusinessUserSimpleByElementsQuery_sync></soapenv:Body></soapenv:Envelope>')
SOAP_ROLE_CHANGE = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:aba="http://sap.com/xi/ABA">'
    '<soapenv:Header/><soapenv:Body><aba:BusinessUserBundleMaintainRequest_sync><BusinessUser actionCode="02">'
    '<PersonExternalID>%s</PersonExternalID><User actionCode="02"><Role actionCode="%s"><RoleName>%s</RoleName>'
    '</Role></User></BusinessUser></aba:BusinessUserBundleMaintainRequest_sync></soapenv:Body></soapenv:Envelope>')


def emulated_session(emulator):
    """A session for calls between emulated hosts, verifying the throw-away CA when the emulator serves HTTPS.

    trust_env is off: REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE would otherwise replace session.verify, and proxy
    variables do not apply to loopback calls.
    """
    session = requests.Session()
    session.trust_env = False
    session.headers['User-Agent'] = INTERNAL_AGENT
    ca = os.path.join(emulator.state_dir or '', 'ca.pem')
    session.verify = ca if emulator.tls and os.path.exists(ca) else True
    return session


def backend(system_connection, session, sap_client):
    """The back end of a proxy system: (url, user, password, api version) of its connection, a session that
    authenticates (Basic, or the tenant's certificate already set on it) and the sap-client to pass on."""
    url, user, password, version = system_connection
    if user is not None:
        session.auth = (user, password)
    if sap_client:
        session.params = {'sap-client': sap_client}
    if version == '3':
        return ScimBackend(url, session)
    if version == '1':
        return SoapBackend(url, session)
    raise BackendError('s4hana.cloud.api.version %s is not supported (1 or 3)' % version)


class SoapBackend:
    """s4hana.cloud.api.version 1: business users through QueryBusinessUserIn / ManageBusinessUserIn."""

    def __init__(self, url, session):
        self.url = url
        self.session = session

    def post(self, path, body):
        response = self.send(path, body)
        if response.status_code == 404 and '/scs_ext/' in path:
            # A tenant that serves the SOAP services only under /scs/ (tenant variant s4_soap_scs_only): what SAP's
            # connector does there is unconfirmed; the emulated one tries the other path.
            path = path.replace('/scs_ext/', '/scs/')
            response = self.send(path, body)
        if response.status_code != 200:
            raise BackendError('POST %s returned HTTP %d: %s' % (path, response.status_code, short(response)))
        try:
            return ElementTree.fromstring(response.content)
        except ElementTree.ParseError:
            raise BackendError('POST %s returned no XML' % path)

    def send(self, path, body):
        try:
            response = self.session.post(self.url + path, data=body.encode('utf-8'), timeout=30,
                                         headers={'Content-Type': 'text/xml; charset=utf-8'})
        except requests.RequestException as exc:
            raise BackendError('cannot connect to %s: %s' % (self.url, exc.__class__.__name__))
        return response

    def business_users(self):
        root = self.post(S4_QUERY, SOAP_QUERY_ALL)
        out = []
        for item in (e for e in root.iter() if local(e.tag) == 'BusinessUser'):
            user = (children(item, 'User') or [None])[0]
            if user is None:
                continue  # a worker without a business user is not a SCIM user
            personal = (children(item, 'PersonalInformation') or [None])[0]
            workplace = (children(item, 'WorkplaceInformation') or [None])[0]
            out.append({'worker': text_of(item, 'PersonExternalID'), 'id': text_of(user, 'UserID'),
                        'userName': text_of(user, 'UserName'), 'locked': text_of(user, 'LockedIndicator') == 'true',
                        'first': text_of(personal, 'FirstName') or '', 'last': text_of(personal, 'LastName') or '',
                        'email': text_of(workplace, 'EmailAddress'),
                        'roles': [text_of(r, 'RoleName') for r in children(user, 'Role')]})
        return out

    @staticmethod
    def scim_user(bu):
        return {'schemas': [SCIM_USER], 'id': bu['id'], 'externalId': bu['worker'], 'userName': bu['userName'],
                'name': {'givenName': bu['first'], 'familyName': bu['last']},
                'emails': [{'value': bu['email'], 'primary': True}] if bu['email'] else [],
                'active': not bu['locked'], 'groups': [{'value': r, 'display': r} for r in bu['roles']],
                'meta': {'resourceType': 'User'}}

    def resources(self, resource):
        users = self.business_users()
        if resource == 'Users':
            return [self.scim_user(u) for u in users]
        roles = sorted(set(r for u in users for r in u['roles']))
        return [{'schemas': [SCIM_GROUP], 'id': r, 'displayName': r, 'meta': {'resourceType': 'Group'},
                 'members': [{'value': u['id'], 'type': 'User'} for u in users if r in u['roles']]} for r in roles]

    def page(self, resource, query):
        return page_of(filtered(self.resources(resource), query), query, PROXY_DEFAULT_COUNT, PROXY_MAX_COUNT)

    def read(self, resource, key):
        return next((r for r in self.resources(resource) if r['id'] == key), None)

    def patch_group(self, key, operations):
        users = dict((u['id'], u) for u in self.business_users())
        for op, user_ids in operations:
            for user_id in user_ids:
                if user_id not in users:
                    raise BackendError('user %s not found' % user_id)
                root = self.post(S4_MANAGE, SOAP_ROLE_CHANGE % (escape(users[user_id]['worker']),
                                                                '01' if op == 'add' else '03', escape(key)))
                errors = [text_of(i, 'Note') for i in root.iter() if local(i.tag) == 'Item' and
                          text_of(i, 'SeverityCode') == '3']
                if errors:
                    raise BackendError('ManageBusinessUserIn: %s' % errors[0])
        return True


class ScimBackend:
    """s4hana.cloud.api.version 3: the SCIM API of SAP_COM_0465, paged and filtered by S/4HANA itself."""

    def __init__(self, url, session):
        self.base = url + S4_SCIM
        self.session = session

    def get(self, path, params=None, headers=None, missing_ok=False):
        try:
            response = self.session.get(self.base + path, params=params, headers=headers, timeout=30)
        except requests.RequestException as exc:
            raise BackendError('cannot connect to %s: %s' % (self.base, exc.__class__.__name__))
        if missing_ok and response.status_code == 404:
            return None, response
        if response.status_code != 200:
            raise BackendError('GET %s%s returned HTTP %d: %s' % (S4_SCIM, path, response.status_code, short(response)))
        return response.json(), response

    def page(self, resource, query):
        params = dict((k, v) for k, v in query.items() if k in ('startIndex', 'count', 'filter'))
        params['count'] = str(min(int(params.get('count') or PROXY_DEFAULT_COUNT), PROXY_MAX_COUNT))
        return self.get('/' + resource, params)[0]

    def read(self, resource, key):
        return self.get('/%s/%s' % (resource, key), missing_ok=True)[0]

    def patch_group(self, key, operations):
        found, response = self.get('/Groups/%s' % key, headers={'X-CSRF-Token': 'Fetch'}, missing_ok=True)
        if found is None:
            return False
        body = {'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': [
            {'op': op, 'path': 'members', 'value': [{'value': u} for u in user_ids]} for op, user_ids in operations]}
        try:
            result = self.session.patch(self.base + '/Groups/%s' % key, json=body, timeout=30,
                                        headers={'X-CSRF-Token': response.headers.get('x-csrf-token', ''),
                                                 'Content-Type': 'application/scim+json'})
        except requests.RequestException as exc:
            raise BackendError('cannot connect to %s: %s' % (self.base, exc.__class__.__name__))
        if result.status_code not in (200, 204):
            raise BackendError('PATCH %s/Groups/%s returned HTTP %d: %s' % (S4_SCIM, key, result.status_code,
                                                                            short(result)))
        return True


def short(response):
    """A one-line reason from a back-end answer (HTML title, JSON detail or text)."""
    text = response.text or ''
    title = re.search(r'<title>(.*?)</title>', text, re.I | re.S)
    if title:
        return title.group(1).strip()
    try:
        body = response.json()
        return str(body.get('detail') or body.get('error') or body)[:200]
    except ValueError:
        fault = re.search(r'<faultstring[^>]*>(.*?)</faultstring>', text, re.S)
        return (fault.group(1) if fault else text.strip())[:200] or response.reason
