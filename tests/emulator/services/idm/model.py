"""The state and rules of an emulated SAP Identity Management 8.0: SCIM repositories, their constants and the
initial load jobs, without HTTP (routes.py serves them, load.py reads the proxy).

IDM 8.0 has no API for any of this; the rules are the collection's own contract (docs/ips-idm-contract.md) and
what is known of IDM: encrypted constants (AUTH_PASSWORD, PROXY_PASSWORD, TRUSTSTORE_PASSWORD, variable type 4 in
SAP's SCIM package) are never returned and keep their value when a replace does not send them; one initial load
runs at a time per repository; what a load read goes to the identity store.
"""

import copy
import time
import uuid

from emulator.demo import DEMO
from emulator.model import Model, Refused

ENCRYPTED = ('AUTH_PASSWORD', 'PROXY_PASSWORD', 'TRUSTSTORE_PASSWORD')


def timestamp():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


def contract_refusal(status, code, message):
    return Refused(status, message, code)


def public_job(job):
    return dict((k, v) for k, v in job.items() if k not in ('repository', 'seq'))


class IdmModel(Model):

    def initial_state(self):
        return {'repositories': {}, 'jobs': {}, 'identity_store': {}, 'admins': {}, 'seq': 0,
                'options': {'job_delay': float(self.config.get('job_delay', 0.2))}}

    def restored(self):
        # A job cannot survive a restart of the process that ran it.
        for job in self.state['jobs'].values():
            if job['status'] == 'running':
                job.update(status='failed', endedAt=timestamp(), message='interrupted: the emulator restarted')

    def demo_seed(self):
        return {'admins': {DEMO['idm_admin_user']: DEMO['idm_admin_password']}}

    def seed(self, data):
        """admins: {user: password} of the admin UI (and of the contract); job_delay: seconds a load takes at least."""
        if not isinstance(data, dict):
            raise Refused(400, 'seed data must be an object')
        self.state['admins'].update(data.get('admins') or {})
        if 'job_delay' in data:
            self.state['options']['job_delay'] = float(data['job_delay'])

    def is_admin(self, credentials):
        return bool(credentials) and self.state['admins'].get(credentials[0]) == credentials[1]

    # ---- repositories ----

    def repository(self, repository_id):
        repo = self.state['repositories'].get(str(repository_id))
        if repo is None:
            raise contract_refusal(404, 'NOT_FOUND', 'Repository %s does not exist' % repository_id)
        return repo

    def repositories(self, name=None):
        return [r for r in self.state['repositories'].values() if name is None or r['name'] == name]

    def view(self, repo):
        """A repository as the contract shows it: encrypted constants by name only, with its initial load."""
        out = dict((k, copy.deepcopy(v)) for k, v in repo.items() if k != 'constants')
        out['constants'] = dict((k, v) for k, v in repo['constants'].items() if k not in ENCRYPTED)
        out['encryptedConstants'] = sorted(k for k, v in repo['constants'].items() if k in ENCRYPTED and v)
        jobs = [j for j in self.state['jobs'].values() if j['repository'] == repo['id']]
        last = max(jobs, key=lambda j: j['seq']) if jobs else None
        succeeded = [j['endedAt'] for j in jobs if j['status'] == 'succeeded']
        out['initialLoad'] = {'lastJob': public_job(last) if last else None,
                              'lastSucceeded': max(succeeded) if succeeded else None}
        return out

    def validated(self, body, own_id=None):
        if not isinstance(body, dict):
            raise contract_refusal(400, 'INVALID', 'The body must be a JSON object')
        name = body.get('name')
        if not isinstance(name, str) or not name.strip():
            raise contract_refusal(400, 'INVALID', 'name is required')
        if any(r['name'] == name and r['id'] != own_id for r in self.state['repositories'].values()):
            raise contract_refusal(409, 'DUPLICATE_NAME', 'A repository named %s already exists' % name)
        constants = body.get('constants') or {}
        if not isinstance(constants, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in constants.items()):
            raise contract_refusal(400, 'INVALID', 'constants must map names to text values')
        return {'name': name, 'description': body.get('description') or '',
                'typeQN': body.get('typeQN') or 'com.sap.idm.connector.scim:reptype.SCIM',
                'disabled': bool(body.get('disabled')), 'constants': dict(constants)}

    def add(self, body):
        fields = self.validated(body)
        self.state['seq'] += 1
        repo = dict(fields, id=self.state['seq'])
        self.state['repositories'][str(repo['id'])] = repo
        self.save()
        return repo

    def replace(self, repo, body):
        """Constants are replaced as sent, except encrypted ones not sent, which keep their value."""
        fields = self.validated(body, repo['id'])
        kept = dict((k, v) for k, v in repo['constants'].items() if k in ENCRYPTED and k not in fields['constants'])
        fields['constants'].update(kept)
        repo.update(fields)
        self.save()
        return repo

    def delete(self, repo):
        del self.state['repositories'][str(repo['id'])]
        self.state['jobs'] = dict((k, j) for k, j in self.state['jobs'].items() if j['repository'] != repo['id'])
        self.state['identity_store'].pop(repo['name'], None)
        self.save()

    # ---- the initial load ----

    def start_load(self, repo):
        """(job, started): a new running job, or the running one (started False) while a load runs."""
        running = [j for j in self.state['jobs'].values() if j['repository'] == repo['id'] and j['status'] == 'running']
        if running:
            return running[0], False
        self.state['seq'] += 1
        job = {'id': str(uuid.uuid4()), 'repository': repo['id'], 'seq': self.state['seq'], 'type': 'initial-load',
               'status': 'running', 'startedAt': timestamp(), 'endedAt': None, 'users': None, 'groups': None,
               'message': None}
        self.state['jobs'][job['id']] = job
        self.save()
        return job, True

    def job(self, repo, job_id):
        job = self.state['jobs'].get(job_id)
        if job is None or job['repository'] != repo['id']:
            raise contract_refusal(404, 'NOT_FOUND', 'Job %s does not exist' % job_id)
        return job

    def job_delay(self):
        """Seconds a load takes at least, so the modules' polling runs."""
        return self.state['options']['job_delay']

    def finish_load(self, job_id, name, users, groups, message):
        """The end of a load: users and groups read (None when it failed, with the message)."""
        with self.lock:
            job = self.state['jobs'].get(job_id)
            if job is None:
                return  # the repository was deleted meanwhile
            if users is None:
                job.update(status='failed', message=message, endedAt=timestamp())
            else:
                job.update(status='succeeded', users=len(users), groups=len(groups),
                           message='read %d users and %d groups' % (len(users), len(groups)), endedAt=timestamp())
                self.state['identity_store'][name] = {
                    'system_privilege': 'PRIV:SYSTEM:%s' % name,
                    'users': sorted(u.get('userName') or u.get('id') for u in users),
                    'groups': sorted(g.get('displayName') or g.get('id') for g in groups)}
            self.save()
