"""Business users of the emulated S/4HANA Cloud tenant: workers, their business users and business roles (state and
rules). S4Model (model.py) mixes this in; business_routes.py serves them over SOAP, OData V2 and SCIM.

Public-edition rule (SAP KBA 2662400): the worker must exist; only its User node is created, changed, deleted.
A worker's Business Partner number is its PersonID. The data (seed keys `workers` and `business_roles`, see
seed_business) lives in state['business'].
"""

import uuid

from emulator.model import Refused

# IntervalBoundaryTypeCode: 1 = equal, 3 = between (documented; the emulator implements these two).
EQUAL, BETWEEN = '1', '3'
# The worker attribute each selection interval of QueryBusinessUserIn compares.
SELECTED_BY = {
    'PersonExternalIDInterval': lambda w: w['PersonExternalID'],
    'PersonIDInterval': lambda w: w['PersonID'],
    'BusinessPartnerRoleCodeInterval': lambda w: w['BusinessPartnerRoleCode'],
    'UserIDInterval': lambda w: (w.get('User') or {}).get('UserID'),
    'UserNameInterval': lambda w: (w.get('User') or {}).get('UserName'),
    'FirstNameInterval': lambda w: w['FirstName'],
    'LastNameInterval': lambda w: w['LastName'],
    'EmailAddressInterval': lambda w: w['Email'],
}
ROLE_GROUP_PREFIX = 'BROL_'


class BusinessModel:
    """Workers, business users and business roles of a tenant."""

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
                user = worker['User'] or self.new_business_user(fields['User']['UserName'])
                user['Locked'] = bool(fields['User'].get('Locked', user['Locked']))
                user['Roles'] = list(fields['User'].get('Roles', user['Roles']))
                for role in user['Roles']:
                    store['roles'].setdefault(role, {'ID': role, 'Description': role})
                worker['User'] = user
            out[worker['PersonExternalID']] = worker['PersonID']
        return out

    def new_business_user(self, user_name):
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

    def worker(self, person_external_id):
        return self.business()['workers'].get(person_external_id or '')

    def worker_by_user_id(self, user_id):
        return next((w for w in self.workers() if (w.get('User') or {}).get('UserID') == user_id), None)

    def worker_by_person_id(self, person_id):
        return next((w for w in self.workers() if w['PersonID'] == person_id), None)

    def business_roles(self):
        roles = self.business()['roles']
        return [roles[key] for key in sorted(roles)]

    def select_workers(self, selection):
        """QueryBusinessUserIn: selection {interval name: [(boundary code, low, high)]}. Intervals of one kind are
        alternatives; different kinds must all match."""
        out = []
        for worker in self.workers():
            ok = True
            for name, intervals in selection.items():
                value = SELECTED_BY[name](worker)
                ok = ok and value is not None and any(
                    value == low if code == EQUAL else (low or '') <= value <= (high or low or '')
                    for code, low, high in intervals)
            if ok:
                out.append(worker)
        return out

    def maintain(self, person_external_id, user):
        """ManageBusinessUserIn for one worker. user: None (no User node) or {action, UserName, LockedIndicator,
        complete (roleListCompleteTransmissionIndicator), roles: [(RoleName, action)]}. Returns log items
        [(severity, type id, note)]."""
        worker = self.worker(person_external_id)
        if worker is None:
            # Public edition: the worker (employee/contingent worker) must exist first (KBA 2662400).
            return [('3', 'EMU/001', 'Person with external ID %s does not exist; create the worker first'
                     % person_external_id)]
        if user is None:
            return [('1', 'EMU/000', 'Nothing to change')]
        if user['action'] == '01':
            if worker['User']:
                return [('3', 'EMU/002', 'Person %s already has user %s'
                         % (worker['PersonExternalID'], worker['User']['UserName']))]
            if not user['UserName']:
                return [('3', 'EMU/003', 'UserName is required to create a user')]
            worker['User'] = self.new_business_user(user['UserName'])
        elif worker['User'] is None:
            return [('3', 'EMU/004', 'Person %s has no user' % worker['PersonExternalID'])]
        elif user['action'] == '03':
            worker['User'] = None
            return [('1', 'EMU/000', 'User deleted')]
        held = worker['User']
        if user['LockedIndicator'] is not None:
            held['Locked'] = user['LockedIndicator'] == 'true'
        known = self.business()['roles']
        unknown = [name for name, _action in user['roles'] if name not in known]
        if unknown:
            return [('3', 'EMU/005', 'Business role %s does not exist' % unknown[0])]
        if user['complete']:
            held['Roles'] = []
        for name, action in user['roles']:
            if action == '03':
                held['Roles'] = [r for r in held['Roles'] if r != name]
            elif name not in held['Roles']:
                held['Roles'].append(name)
        return [('1', 'EMU/000', 'User %s saved' % held['UserName'])]

    def role_of_group(self, key):
        """The business role of a SCIM group id (BROL_<role>); 404 else."""
        role = self.business()['roles'].get(key[len(ROLE_GROUP_PREFIX):]) if key.startswith(ROLE_GROUP_PREFIX) else None
        if role is None:
            raise Refused(404, 'Group %s not found' % key)
        return role

    def change_role_members(self, role, operations):
        """SCIM PATCH of a role group's members: [(add|remove, [business user ids])]; an unknown user is a 400."""
        for op, user_ids in operations:
            for user_id in user_ids:
                worker = self.worker_by_user_id(user_id)
                if worker is None:
                    raise Refused(400, 'User %s not found' % user_id, 'invalidValue')
                roles = worker['User']['Roles']
                if op == 'add' and role['ID'] not in roles:
                    roles.append(role['ID'])
                if op == 'remove' and role['ID'] in roles:
                    roles.remove(role['ID'])
        self.save()
