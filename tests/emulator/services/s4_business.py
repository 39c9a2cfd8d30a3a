"""Business-user APIs of the emulated S/4HANA Cloud tenant: workers, business users and business roles.

S4Tenant (services/s4.py) mixes this in, so these routes share the tenant's logon, lockout, scenario
authorization (SAP_COM_0093/0193 for the SOAP services, SAP_COM_0465 for SCIM, SAP_COM_0008 for the Business
Partner API) and CSRF handling.

- QueryBusinessUserIn / ManageBusinessUserIn, SOAP 1.1 (documented; element names from SAP's published WSDL).
  Public-edition rule (SAP KBA 2662400): the worker must exist; only its User node is created, changed, deleted.
- API_BUSINESS_PARTNER, OData V2 (observed): A_BusinessPartner and A_BusinessPartnerRole, read only, with the V2
  {"d": ...} wrapper and V2 error bodies. A worker's Business Partner number is its PersonID.
- SCIM 2.0 of SAP_COM_0465 (documented): /Users (id = business user ID, externalId = worker ID) and /Groups
  (id = BROL_<business role>), list/read and PATCH of group members.

The data (seed keys `workers` and `business_roles`, see seed_business) lives in state['business'].
"""

import re
import time
import uuid
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from emulator.core import HttpError, Response, json_response, route, text_response
from emulator.odata import ODataFilter

QUERY_PATH = r'/sap/bc/srt/(?:scs|scs_ext)/sap/querybusinessuserin'
MANAGE_PATH = r'/sap/bc/srt/(?:scs|scs_ext)/sap/managebusinessuserin'
BP = '/sap/opu/odata/sap/API_BUSINESS_PARTNER'
SCIM = '/sap/bc/http/sap/aps_iam_api_scim'

SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/'
ABA = 'http://sap.com/xi/ABA'
WORKER_ROLES = ('BUP003', 'BBP005')
# IntervalBoundaryTypeCode: 1 = equal, 3 = between (documented; the emulator implements these two).
EQUAL, BETWEEN = '1', '3'
QUERY_INTERVALS = {
    'PersonExternalIDInterval': ('PersonExtID', lambda w: w['PersonExternalID']),
    'PersonIDInterval': ('PersonID', lambda w: w['PersonID']),
    'BusinessPartnerRoleCodeInterval': ('BusinessPartnerRoleCode', lambda w: w['BusinessPartnerRoleCode']),
    'UserIDInterval': ('UserID', lambda w: (w.get('User') or {}).get('UserID')),
    'UserNameInterval': ('UserName', lambda w: (w.get('User') or {}).get('UserName')),
    'FirstNameInterval': ('FirstName', lambda w: w['FirstName']),
    'LastNameInterval': ('LastName', lambda w: w['LastName']),
    'EmailAddressInterval': ('EmailAddress', lambda w: w['Email']),
}
DEFAULT_QUERY_HITS = 1000  # QueryHitsMaximumNumberValue default (documented)
V2_DATE_MIN, V2_DATE_MAX = '/Date(1514764800000+0000)/', '/Date(253402214400000+0000)/'

SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'
SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
ROLE_GROUP_PREFIX = 'BROL_'


# ---- SCIM helpers, shared with the IPS proxy (services/ips.py) ----

def scim_response(status, body, headers=None):
    hdrs = {'Content-Type': 'application/scim+json'}
    hdrs.update(headers or {})
    return json_response(status, body, hdrs)


def scim_error(status, detail, scim_type=None):
    body = {'schemas': [SCIM_ERROR], 'status': str(status), 'detail': detail}
    if scim_type:
        body['scimType'] = scim_type
    return HttpError(scim_response(status, body))


def eq_filter(text):
    """(attribute, value) of a single `attr eq "value"` filter; anything else is a 400 invalidFilter."""
    if not text:
        return None
    match = re.match(r'^\s*([A-Za-z][\w.\[\]]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', text)
    if not match:
        raise scim_error(400, 'Unsupported filter %r: only `attribute eq "value"`' % text, 'invalidFilter')
    return match.group(1), re.sub(r'\\(.)', r'\1', match.group(2))


def attribute(resource, path):
    """The value at a simple SCIM path such as userName, name.familyName or emails[0].value."""
    value = resource
    for part in path.split('.'):
        match = re.match(r'^(\w+)(?:\[(\d+)\])?$', part)
        if not match or not isinstance(value, dict):
            return None
        value = value.get(match.group(1))
        if match.group(2) is not None:
            value = value[int(match.group(2))] if isinstance(value, list) and len(value) > int(match.group(2)) else None
    return value


def page_of(resources, query, default_count, max_count):
    """A ListResponse page: startIndex is 1-based, count is capped; totalResults counts every match."""
    try:
        start = max(int(query.get('startIndex') or 1), 1)
        count = int(query['count']) if query.get('count') not in (None, '') else default_count
    except ValueError:
        raise scim_error(400, 'startIndex and count take integers', 'invalidValue')
    count = min(max(count, 0), max_count)
    selected = resources[start - 1:start - 1 + count]
    return {'schemas': [SCIM_LIST], 'totalResults': len(resources), 'startIndex': start,
            'itemsPerPage': len(selected), 'Resources': selected}


def filtered(resources, query):
    condition = eq_filter(query.get('filter'))
    if condition is None:
        return resources
    path, value = condition
    return [r for r in resources if str(attribute(r, path)) == value]


def member_operations(request):
    """[(op, [user ids])] of a SCIM PatchOp on a group's members (add/remove with a value list, as IDM sends)."""
    try:
        body = request.json() or {}
    except ValueError:
        raise scim_error(400, 'The body is not JSON', 'invalidSyntax')
    if SCIM_PATCH not in (body.get('schemas') or []) or not isinstance(body.get('Operations'), list):
        raise scim_error(400, 'Expected a PatchOp with Operations', 'invalidSyntax')
    out = []
    for operation in body['Operations']:
        op = str(operation.get('op', '')).lower()
        if op not in ('add', 'remove') or operation.get('path') != 'members' or \
                not isinstance(operation.get('value'), list):
            raise scim_error(400, 'Only add/remove of members with a value list is supported', 'invalidPath')
        out.append((op, [str(v.get('value')) for v in operation['value'] if isinstance(v, dict)]))
    return out


# ---- SOAP helpers ----

def local(tag):
    return tag.rsplit('}', 1)[-1]


def children(node, name):
    return [c for c in list(node) if local(c.tag) == name]


def text_of(node, name):
    found = children(node, name) if node is not None else []
    return (found[0].text or '').strip() if found else None


def soap_envelope(body_xml):
    return ('<soap-env:Envelope xmlns:soap-env="%s"><soap-env:Header/><soap-env:Body>%s</soap-env:Body>'
            '</soap-env:Envelope>' % (SOAP_ENV, body_xml))


def soap_fault(status, text, code='soap-env:Client'):
    body = soap_envelope('<soap-env:Fault><faultcode>%s</faultcode><faultstring xml:lang="en">%s</faultstring>'
                         '</soap-env:Fault>' % (code, escape(text)))
    return HttpError(text_response(status, body, 'text/xml; charset=utf-8'))


def element(name, value):
    return '<%s>%s</%s>' % (name, escape(str(value)), name) if value not in (None, '') else ''


def log_xml(items):
    severity = max([i[0] for i in items] or ['1'])
    return '<Log><MaximumLogItemSeverityCode>%s</MaximumLogItemSeverityCode>%s</Log>' % (severity, ''.join(
        '<Item><TypeID>%s</TypeID><SeverityCode>%s</SeverityCode><Note>%s</Note></Item>' % (type_id, sev, escape(note))
        for sev, type_id, note in items))


def v2_error(status, code, message):
    return HttpError(json_response(status, {'error': {
        'code': code, 'message': {'lang': 'en', 'value': message},
        'innererror': {'transactionid': uuid.uuid4().hex.upper(), 'timestamp': time.strftime('%Y%m%d%H%M%S'),
                       'errordetails': []}}}, {'DataServiceVersion': '2.0'}))


class S4BusinessApis:
    """Business-user routes of an S/4HANA Cloud tenant."""

    # ---- data ----

    def business(self):
        return self.state.setdefault('business', {'workers': {}, 'roles': {}, 'seq': {'person': 0, 'user': 0}})

    def seed_business(self, data):
        """workers: [{PersonExternalID, FirstName?, LastName, Email?, BusinessPartnerRoleCode? (BUP003),
        MarkedForArchiving?, User?: {UserName, Locked?, Roles?: [role ID]}}]; business_roles: [{ID, Description?}].
        A worker that exists (same PersonExternalID) is updated. Returns {worker id: business partner number}."""
        if not isinstance(data, dict) or not (data.get('workers') or data.get('business_roles')):
            return None
        store = self.business()
        for role in data.get('business_roles') or []:
            store['roles'][role['ID']] = {'ID': role['ID'], 'Description': role.get('Description', role['ID'])}
        out = {}
        for fields in data.get('workers') or []:
            worker = store['workers'].get(fields['PersonExternalID'])
            if worker is None:
                store['seq']['person'] += 1
                worker = {'PersonExternalID': fields['PersonExternalID'], 'PersonID': '99%08d' % store['seq']['person'],
                          'PersonUUID': str(uuid.uuid4()), 'BusinessPartnerRoleCode': 'BUP003', 'FirstName': '',
                          'LastName': '', 'Email': '', 'MarkedForArchiving': False, 'User': None}
                store['workers'][worker['PersonExternalID']] = worker
            for key in ('FirstName', 'LastName', 'Email', 'BusinessPartnerRoleCode', 'MarkedForArchiving'):
                if key in fields:
                    worker[key] = fields[key]
            if fields.get('User'):
                user = worker['User'] or self.new_user(fields['User']['UserName'])
                user['Locked'] = bool(fields['User'].get('Locked', user['Locked']))
                user['Roles'] = list(fields['User'].get('Roles', user['Roles']))
                for role in user['Roles']:
                    store['roles'].setdefault(role, {'ID': role, 'Description': role})
                worker['User'] = user
            out[worker['PersonExternalID']] = worker['PersonID']
        return out

    def new_user(self, user_name):
        store = self.business()
        store['seq']['user'] += 1
        return {'UserID': 'CB%010d' % store['seq']['user'], 'UserName': user_name, 'Locked': False, 'Roles': [],
                'LogonLanguageCode': 'EN'}

    @staticmethod
    def demo_business():
        """A few workers with business users and roles, so the demo's initial load has something to read."""
        return {
            'business_roles': [{'ID': 'SAP_BR_EMPLOYEE', 'Description': 'Employee'},
                               {'ID': 'SAP_BR_PURCHASER', 'Description': 'Purchaser'}],
            'workers': [
                {'PersonExternalID': 'W0001', 'FirstName': 'Jane', 'LastName': 'Doe', 'Email': 'jane.doe@example.com',
                 'User': {'UserName': 'JDOE', 'Roles': ['SAP_BR_EMPLOYEE', 'SAP_BR_PURCHASER']}},
                {'PersonExternalID': 'W0002', 'FirstName': 'John', 'LastName': 'Roe', 'Email': 'john.roe@example.com',
                 'User': {'UserName': 'JROE', 'Roles': ['SAP_BR_EMPLOYEE']}},
                {'PersonExternalID': 'W0003', 'FirstName': 'Mia', 'LastName': 'Poe', 'Email': 'mia.poe@example.com',
                 'BusinessPartnerRoleCode': 'BBP005'},
            ],
        }

    def workers(self):
        return sorted(self.business()['workers'].values(), key=lambda w: w['PersonID'])

    def worker_by_user_id(self, user_id):
        return next((w for w in self.workers() if (w.get('User') or {}).get('UserID') == user_id), None)

    # ---- QueryBusinessUserIn (SOAP) ----

    @staticmethod
    def soap_body(request, root_name):
        try:
            root = ElementTree.fromstring(request.body or b'')
        except ElementTree.ParseError as exc:
            raise soap_fault(500, 'The request is not well-formed XML: %s' % exc)
        body = next((e for e in root.iter() if local(e.tag) == root_name), None)
        if body is None:
            raise soap_fault(500, 'Expected %s in the SOAP body' % root_name)
        return body

    @route('POST', QUERY_PATH)
    def query_business_users(self, request):
        query = self.soap_body(request, 'BusinessUserSimpleByElementsQuery_sync')
        selection = children(query, 'BusinessUser')
        conditions = children(query, 'QueryProcessingConditions')
        hits = self.select_workers(selection[0] if selection else None)
        condition = conditions[0] if conditions else None
        if text_of(condition, 'QueryHitsUnlimitedIndicator') == 'true':
            limit = len(hits)
        else:
            limit = int(text_of(condition, 'QueryHitsMaximumNumberValue') or DEFAULT_QUERY_HITS)
        returned = hits[:limit]
        body = ''.join(self.business_user_xml(w) for w in returned)
        body += ('<ResponseProcessingConditions><HitsTotalNumberValue>%d</HitsTotalNumberValue>'
                 '<ReturnedQueryHitsNumberValue>%d</ReturnedQueryHitsNumberValue>'
                 '<MoreHitsAvailableIndicator>%s</MoreHitsAvailableIndicator></ResponseProcessingConditions>'
                 % (len(hits), len(returned), 'true' if len(hits) > len(returned) else 'false'))
        body += log_xml([])
        return text_response(200, soap_envelope('<n0:BusinessUserSimplyByElementsResponse_sync xmlns:n0="%s">%s'
                                                '</n0:BusinessUserSimplyByElementsResponse_sync>' % (ABA, body)),
                             'text/xml; charset=utf-8')

    def select_workers(self, selection):
        """Intervals of one kind are alternatives; different kinds must all match."""
        groups = {}
        for item in list(selection) if selection is not None else []:
            name = local(item.tag)
            if name not in QUERY_INTERVALS:
                raise soap_fault(500, 'Unknown selection %s' % name)
            suffix = QUERY_INTERVALS[name][0]
            code = text_of(item, 'IntervalBoundaryTypeCode')
            if code not in (EQUAL, BETWEEN):
                raise soap_fault(500, 'IntervalBoundaryTypeCode %s is not implemented by the emulator' % code)
            groups.setdefault(name, []).append((code, text_of(item, 'LowerBoundary' + suffix),
                                                text_of(item, 'UpperBoundary' + suffix)))
        out = []
        for worker in self.workers():
            ok = True
            for name, intervals in groups.items():
                value = QUERY_INTERVALS[name][1](worker)
                ok = ok and value is not None and any(
                    value == low if code == EQUAL else (low or '') <= value <= (high or low or '')
                    for code, low, high in intervals)
            if ok:
                out.append(worker)
        return out

    @staticmethod
    def business_user_xml(worker):
        user = worker.get('User')
        parts = [element('PersonExternalID', worker['PersonExternalID']), element('PersonID', worker['PersonID']),
                 element('PersonUUID', worker['PersonUUID']),
                 element('BusinessPartnerRoleCode', worker['BusinessPartnerRoleCode']),
                 element('MarkedForArchivingIndicator', 'true' if worker['MarkedForArchiving'] else 'false'),
                 '<PersonalInformation>%s%s%s</PersonalInformation>' % (
                     element('FirstName', worker['FirstName']), element('LastName', worker['LastName']),
                     element('PersonFullName', ('%s %s' % (worker['FirstName'], worker['LastName'])).strip()))]
        if user:
            parts.append('<User>%s%s%s%s%s</User>' % (
                element('UserID', user['UserID']), element('UserName', user['UserName']),
                element('LogonLanguageCode', user['LogonLanguageCode']),
                element('LockedIndicator', 'true' if user['Locked'] else 'false'),
                ''.join('<Role>%s</Role>' % element('RoleName', r) for r in user['Roles'])))
        if worker['Email']:
            parts.append('<WorkplaceInformation>%s</WorkplaceInformation>' % element('EmailAddress', worker['Email']))
        return '<BusinessUser>%s</BusinessUser>' % ''.join(parts)

    # ---- ManageBusinessUserIn (SOAP) ----

    @route('POST', MANAGE_PATH)
    def manage_business_users(self, request):
        bundle = self.soap_body(request, 'BusinessUserBundleMaintainRequest_sync')
        confirmations = []
        for item in children(bundle, 'BusinessUser'):
            log = self.maintain(item)
            worker = self.business()['workers'].get(text_of(item, 'PersonExternalID') or '')
            ids = ''.join((element('PersonExternalID', worker['PersonExternalID']),
                           element('PersonID', worker['PersonID']), element('PersonUUID', worker['PersonUUID']))) \
                if worker else element('PersonExternalID', text_of(item, 'PersonExternalID'))
            confirmations.append('<BusinessUser>%s%s</BusinessUser>' % (ids, log_xml(log)))
        self.save()
        return text_response(200, soap_envelope('<n0:BusinessUserBundleMaintainConfirmation_sync xmlns:n0="%s">%s'
                                                '</n0:BusinessUserBundleMaintainConfirmation_sync>'
                                                % (ABA, ''.join(confirmations))), 'text/xml; charset=utf-8')

    def maintain(self, item):
        """Apply one BusinessUser node; returns log items [(severity, type id, note)]."""
        worker = self.business()['workers'].get(text_of(item, 'PersonExternalID') or '')
        if worker is None:
            # Public edition: the worker (employee/contingent worker) must exist first (KBA 2662400).
            return [('3', 'EMU/001', 'Person with external ID %s does not exist; create the worker first'
                     % text_of(item, 'PersonExternalID'))]
        user_nodes = children(item, 'User')
        if not user_nodes:
            return [('1', 'EMU/000', 'Nothing to change')]
        node = user_nodes[0]
        action = node.get('actionCode', '02')
        if action == '01':
            if worker['User']:
                return [('3', 'EMU/002', 'Person %s already has user %s'
                         % (worker['PersonExternalID'], worker['User']['UserName']))]
            if not text_of(node, 'UserName'):
                return [('3', 'EMU/003', 'UserName is required to create a user')]
            worker['User'] = self.new_user(text_of(node, 'UserName'))
        elif worker['User'] is None:
            return [('3', 'EMU/004', 'Person %s has no user' % worker['PersonExternalID'])]
        elif action == '03':
            worker['User'] = None
            return [('1', 'EMU/000', 'User deleted')]
        user = worker['User']
        if text_of(node, 'LockedIndicator') is not None:
            user['Locked'] = text_of(node, 'LockedIndicator') == 'true'
        roles = children(node, 'Role')
        known = self.business()['roles']
        unknown = [text_of(r, 'RoleName') for r in roles if text_of(r, 'RoleName') not in known]
        if unknown:
            return [('3', 'EMU/005', 'Business role %s does not exist' % unknown[0])]
        if node.get('roleListCompleteTransmissionIndicator') == 'true':
            user['Roles'] = []
        for role in roles:
            name = text_of(role, 'RoleName')
            if role.get('actionCode', '01') == '03':
                user['Roles'] = [r for r in user['Roles'] if r != name]
            elif name not in user['Roles']:
                user['Roles'].append(name)
        return [('1', 'EMU/000', 'User %s saved' % user['UserName'])]

    # ---- API_BUSINESS_PARTNER (OData V2) ----

    def bp_uri(self, relative):
        return '%s%s/%s' % (self.url, BP, relative)

    def bp_entity(self, worker, expand):
        key = "A_BusinessPartner('%s')" % worker['PersonID']
        full = ('%s %s' % (worker['FirstName'], worker['LastName'])).strip()
        entity = {'__metadata': {'id': self.bp_uri(key), 'uri': self.bp_uri(key),
                                 'type': 'API_BUSINESS_PARTNER.A_BusinessPartnerType'},
                  'BusinessPartner': worker['PersonID'], 'BusinessPartnerCategory': '1',
                  'BusinessPartnerFullName': full, 'PersonFullName': full, 'FirstName': worker['FirstName'],
                  'LastName': worker['LastName'], 'BusinessPartnerUUID': worker['PersonUUID'],
                  'IsMarkedForArchiving': bool(worker['MarkedForArchiving']), 'BusinessPartnerIsBlocked': False}
        roles = [self.bp_role(worker)]
        entity['to_BusinessPartnerRole'] = {'results': roles} if expand else \
            {'__deferred': {'uri': self.bp_uri(key + '/to_BusinessPartnerRole')}}
        return entity

    def bp_role(self, worker):
        key = "A_BusinessPartnerRole(BusinessPartner='%s',BusinessPartnerRole='%s')" % (
            worker['PersonID'], worker['BusinessPartnerRoleCode'])
        return {'__metadata': {'id': self.bp_uri(key), 'uri': self.bp_uri(key),
                               'type': 'API_BUSINESS_PARTNER.A_BusinessPartnerRoleType'},
                'BusinessPartner': worker['PersonID'], 'BusinessPartnerRole': worker['BusinessPartnerRoleCode'],
                'ValidFrom': V2_DATE_MIN, 'ValidTo': V2_DATE_MAX, 'AuthorizationGroup': ''}

    @staticmethod
    def v2_options(request, expandable):
        unsupported = sorted(k for k in request.query if k.startswith('$') and
                             k not in ('$filter', '$expand', '$top', '$skip', '$format', '$inlinecount'))
        if unsupported:
            raise v2_error(400, 'EMULATOR/QUERY_OPTION', 'The emulator does not implement %s' % ', '.join(unsupported))
        expand = [e.strip() for e in (request.query.get('$expand') or '').split(',') if e.strip()]
        if any(e not in expandable for e in expand):
            raise v2_error(400, '/IWBEP/CM_MGW_RT/022', 'Property %s is not a navigation property' % expand[0])
        condition = None
        if request.query.get('$filter'):
            try:
                condition = ODataFilter(request.query['$filter'])
            except HttpError:
                raise v2_error(400, '/IWBEP/CM_MGW_RT/004', 'Invalid filter expression %r' % request.query['$filter'])
        try:
            top = int(request.query['$top']) if '$top' in request.query else None
            skip = int(request.query.get('$skip') or 0)
        except ValueError:
            raise v2_error(400, '/IWBEP/CM_MGW_RT/004', '$top and $skip take integers')
        return expand, condition, top, skip

    @staticmethod
    def v2_collection(rows, condition, top, skip, request):
        rows = [r for r in rows if condition is None or condition.matches(r)]
        total = len(rows)
        rows = rows[skip:] if top is None else rows[skip:skip + top]
        body = {'results': rows}
        if request.query.get('$inlinecount') == 'allpages':
            body['__count'] = str(total)
        return json_response(200, {'d': body}, {'DataServiceVersion': '2.0'})

    @route('GET', BP + '/?')
    def bp_service_document(self, request):
        return json_response(200, {'d': {'EntitySets': ['A_BusinessPartner', 'A_BusinessPartnerRole']}},
                             {'DataServiceVersion': '2.0'})

    @route('GET', BP + '/A_BusinessPartner')
    def bp_list(self, request):
        expand, condition, top, skip = self.v2_options(request, ('to_BusinessPartnerRole',))
        rows = [self.bp_entity(w, bool(expand)) for w in self.workers()]
        return self.v2_collection(rows, condition, top, skip, request)

    @route('GET', BP + r"/A_BusinessPartner\('(?P<key>[^']*)'\)")
    def bp_read(self, request, key):
        expand = self.v2_options(request, ('to_BusinessPartnerRole',))[0]
        worker = next((w for w in self.workers() if w['PersonID'] == key), None)
        if worker is None:
            raise v2_error(404, '/IWBEP/CM_MGW_RT/020', "Resource not found for segment 'A_BusinessPartner'")
        return json_response(200, {'d': self.bp_entity(worker, bool(expand))}, {'DataServiceVersion': '2.0'})

    @route('GET', BP + '/A_BusinessPartnerRole')
    def bp_role_list(self, request):
        condition, top, skip = self.v2_options(request, ())[1:]
        return self.v2_collection([self.bp_role(w) for w in self.workers()], condition, top, skip, request)

    # ---- SCIM 2.0 (SAP_COM_0465) ----

    def scim_user(self, worker):
        user = worker['User']
        return {'schemas': [SCIM_USER], 'id': user['UserID'], 'externalId': worker['PersonExternalID'],
                'userName': user['UserName'], 'displayName': ('%s %s' % (worker['FirstName'], worker['LastName'])).strip(),
                'name': {'givenName': worker['FirstName'], 'familyName': worker['LastName']},
                'emails': [{'value': worker['Email'], 'primary': True}] if worker['Email'] else [],
                'active': not user['Locked'], 'userType': 'Employee',
                'groups': [{'value': ROLE_GROUP_PREFIX + r, 'display': r, 'type': 'authorization'} for r in user['Roles']],
                'meta': {'resourceType': 'User', 'location': '%s%s/Users/%s' % (self.url, SCIM, user['UserID'])}}

    def scim_group(self, role):
        members = [{'value': w['User']['UserID'], 'type': 'User'} for w in self.workers()
                   if w.get('User') and role['ID'] in w['User']['Roles']]
        return {'schemas': [SCIM_GROUP], 'id': ROLE_GROUP_PREFIX + role['ID'], 'displayName': role['ID'],
                'urn:ietf:params:scim:schemas:extension:sap:2.0:Group': {
                    'type': 'authorization', 'description': role['Description']},
                'members': members,
                'meta': {'resourceType': 'Group', 'location': '%s%s/Groups/%s%s' % (self.url, SCIM, ROLE_GROUP_PREFIX,
                                                                                    role['ID'])}}

    def scim_users(self):
        return [self.scim_user(w) for w in self.workers() if w.get('User')]

    def scim_groups(self):
        roles = self.business()['roles']
        return [self.scim_group(roles[key]) for key in sorted(roles)]

    @route('GET', SCIM + '/Users')
    def scim_user_list(self, request):
        return scim_response(200, page_of(filtered(self.scim_users(), request.query), request.query, 100, 1000))

    @route('GET', SCIM + '/Users/(?P<key>[^/]+)')
    def scim_user_read(self, request, key):
        worker = self.worker_by_user_id(key)
        if worker is None:
            raise scim_error(404, 'User %s not found' % key)
        return scim_response(200, self.scim_user(worker))

    @route('GET', SCIM + '/Groups')
    def scim_group_list(self, request):
        return scim_response(200, page_of(filtered(self.scim_groups(), request.query), request.query, 100, 1000))

    def role_of_group(self, key):
        role = self.business()['roles'].get(key[len(ROLE_GROUP_PREFIX):]) if key.startswith(ROLE_GROUP_PREFIX) else None
        if role is None:
            raise scim_error(404, 'Group %s not found' % key)
        return role

    @route('GET', SCIM + '/Groups/(?P<key>[^/]+)')
    def scim_group_read(self, request, key):
        return scim_response(200, self.scim_group(self.role_of_group(key)))

    @route('PATCH', SCIM + '/Groups/(?P<key>[^/]+)')
    def scim_group_patch(self, request, key):
        role = self.role_of_group(key)
        for op, user_ids in member_operations(request):
            for user_id in user_ids:
                worker = self.worker_by_user_id(user_id)
                if worker is None:
                    raise scim_error(400, 'User %s not found' % user_id, 'invalidValue')
                roles = worker['User']['Roles']
                if op == 'add' and role['ID'] not in roles:
                    roles.append(role['ID'])
                if op == 'remove' and role['ID'] in roles:
                    roles.remove(role['ID'])
        self.save()
        return Response(204, b'')
