"""The state and rules of the emulated SAP BTP Cloud Foundry hosts, without HTTP (routes.py serves them):
XsuaaModel (the clients of Destination service keys and their tokens) and DestinationsModel (subaccount and
instance destinations: the names and types a destination may have, what a create, update or delete does)."""

import hashlib
import json
import re
import secrets

from emulator import tokens
from emulator.demo import DEMO
from emulator.model import Model, Refused

TYPES = ('HTTP', 'RFC', 'MAIL', 'LDAP')
NAME = re.compile(r'^[A-Za-z0-9_-]{1,200}$')
DEMO_INSTANCE_ID = '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f'
NOT_FOUND = 'Configuration with the specified name was not found'


class XsuaaModel(Model):
    """Clients (what a service key binds: secret or certificate subject, subaccount, instance) and tokens."""

    def initial_state(self):
        return {'clients': {}, 'tokens': {},
                'options': {'token_lifetime': int(self.config.get('token_lifetime', 43199))}}

    def demo_seed(self):
        return {'clients': {DEMO['cf_client_id']: {'secret': DEMO['cf_client_secret'],
                                                   'subaccount': DEMO['cf_subaccount_id'],
                                                   'instance': DEMO_INSTANCE_ID}}}

    def seed(self, data):
        """clients: {clientid: {secret, subaccount, instance}} (what a service key binds); an X.509 client has
        certificate_subject (RFC 4514) instead of secret and authenticates with that certificate (mutual TLS)."""
        for client_id, client in (data.get('clients') or {}).items():
            self.state['clients'][client_id] = dict(client)

    def inject(self, action, params):
        if action == 'expire_tokens':
            self.state['tokens'] = {}
        elif action == 'token_lifetime':
            self.state['options']['token_lifetime'] = int(params['seconds'])
        else:
            return False
        self.save()
        return True

    def client(self, client_id):
        return self.state['clients'].get(client_id or '')

    def issue_token(self, client_id):
        """(token, lifetime) of a new token for an authenticated client."""
        client = self.client(client_id)
        lifetime = self.state['options']['token_lifetime']
        token = tokens.issue(self.state, lifetime, 43199, token='eyJ' + secrets.token_urlsafe(24), client_id=client_id,
                             subaccount=client['subaccount'], instance=client['instance'])
        self.save()
        return token, lifetime

    def token_info(self, token):
        """{client_id, subaccount, instance} of a valid token, else None."""
        with self.lock:
            return tokens.valid(self.state, token)


def etag(destination):
    return hashlib.sha256(json.dumps(destination, sort_keys=True).encode('utf-8')).hexdigest()


def problem(destination):
    """Why a destination cannot be stored, or None."""
    if not isinstance(destination, dict):
        return 'A destination must be a JSON object'
    if not destination.get('Name') or not destination.get('Type'):
        return 'Name and Type are mandatory'
    if not NAME.match(destination['Name']):
        return 'Destination name must contain only alphanumerics, "_" and "-", up to 200 characters'
    if destination['Type'] not in TYPES:
        return 'Unsupported destination type %s' % destination['Type']
    if not all(isinstance(v, str) for v in destination.values()):
        return 'Destination property values must be strings'
    return None


class DestinationsModel(Model):
    """Destinations per level ('subaccount', 'instance') and owner (subaccount or instance id)."""

    def initial_state(self):
        return {'subaccount': {}, 'instance': {}}

    def demo_seed(self):
        return {}

    def seed(self, data):
        """subaccount / instance: {owner id: {name: destination}}."""
        for level in ('subaccount', 'instance'):
            for owner, items in (data.get(level) or {}).items():
                self.state[level].setdefault(owner, {}).update(items)

    def items(self, level, owner):
        return self.state[level].setdefault(owner, {})

    def create(self, items, destination):
        reason = problem(destination)
        if reason:
            raise Refused(400, reason)
        if destination['Name'] in items:
            # spec: 409 "Duplicate key" (shown both as a string and as JSON; the JSON form is the observed one)
            raise Refused(409, 'Duplicate key')
        items[destination['Name']] = destination
        self.save()

    def update(self, items, destination):
        reason = problem(destination)
        if reason:
            raise Refused(400, reason)
        if destination['Name'] not in items:
            raise Refused(404, NOT_FOUND)
        items[destination['Name']] = destination
        self.save()

    def store_each(self, items, destinations, exists, status, conflict):
        """A list POST (exists=True refuses names that exist) or PUT (exists=False refuses missing names): one
        result per item."""
        results = []
        for item in destinations:
            reason = problem(item)
            if reason or (item['Name'] in items) == exists:
                results.append({'name': (item or {}).get('Name'), 'status': 400 if reason else conflict[0],
                                'cause': reason or conflict[1]})
                continue
            items[item['Name']] = item
            results.append({'name': item['Name'], 'status': status, 'etag': etag(item)})
        self.save()
        return results

    def read(self, items, name):
        destination = items.get(name)
        if destination is None:
            raise Refused(404, NOT_FOUND)
        return destination

    def delete(self, items, name):
        if items.pop(name, None) is None:
            raise Refused(404, NOT_FOUND)
        self.save()

    def delete_each(self, items, names):
        summary = []
        for name in names:
            if items.pop(name, None) is None:
                summary.append({'name': name, 'status': 'NOT_FOUND', 'reason': 'Could not find configuration'})
            else:
                summary.append({'name': name, 'status': 'DELETED'})
        self.save()
        return summary
