"""Emulated SAP Identity Management 8.0: SCIM repositories, their constants and the initial load job.

IDM 8.0 has no API for any of this (its admin UI and CSV import only), so every route here is
either the collection's own contract or an emulator-only stand-in for the admin UI; none is an SAP API:
- the collection's own contract (docs/ips-idm-contract.md): /sapcloud-identity/idm/v1/repositories[/<id>],
  POST .../<id>/initial-load, GET .../<id>/jobs/<job id>.
- emulator-only: POST /emulator-ui/idm/import (the admin UI's CSV import of a SCIM repository).

Kept from what is known: encrypted constants (AUTH_PASSWORD, PROXY_PASSWORD, TRUSTSTORE_PASSWORD, variable type 4
in SAP's SCIM package) are never returned; the initial load reads Users and Groups from
SCIM_PROTOCOL://SCIM_HOST:SCIM_PORT SCIM_PATH as the connector's passes do, with a token from OAUTH_URL
(AUTH_TYPE oauth; grant_type in the query and AUTH_USER/AUTH_PASSWORD in Basic auth, the Neo form) or Basic
AUTH_USER/AUTH_PASSWORD (AUTH_TYPE basic), through PROXY_HOST:PROXY_PORT when set, and pages with
startIndex += itemsPerPage while startIndex <= totalResults. It runs in a thread and really calls the emulated
proxy, so a wrong constant fails the job with a message naming the constants to check. TRUSTSTORE is not
evaluated (the emulator's own CA is used when it serves HTTPS).
"""

import copy
import csv
import io
import threading
import time
import uuid

import requests

from emulator.core import HttpError, Response, Service, json_response, route
from emulator.demo import DEMO
from emulator.services.ips import emulated_session

CONTRACT = '/sapcloud-identity/idm/v1'
UI = '/emulator-ui/idm'
ENCRYPTED = ('AUTH_PASSWORD', 'PROXY_PASSWORD', 'TRUSTSTORE_PASSWORD')
FIXED_COLUMNS = ('Name', 'Description', 'Type', 'Disabled', 'TypeQN')
PAGE_SIZE = 100
MAX_PAGES = 1000


def contract_error(status, code, message):
    return HttpError(json_response(status, {'error': {'code': code, 'message': message}}))


def timestamp():
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())


class LoadError(Exception):
    """The initial load failed; the message names the constants to check and never holds a secret."""


class IdmServer(Service):
    kind = 'idm'

    def __init__(self, name, config, emulator):
        super().__init__(name, config, emulator)
        # A job cannot survive a restart of the process that ran it.
        for job in self.state['jobs'].values():
            if job['status'] == 'running':
                job.update(status='failed', endedAt=timestamp(), message='interrupted: the emulator restarted')

    def initial_state(self):
        return {'repositories': {}, 'jobs': {}, 'identity_store': {}, 'admins': {}, 'seq': 0,
                'options': {'job_delay': float(self.config.get('job_delay', 0.2))}}

    def demo_seed(self):
        return {'admins': {DEMO['idm_admin_user']: DEMO['idm_admin_password']}}

    def seed(self, data):
        """admins: {user: password} of the admin UI (and of the contract); job_delay: seconds a load takes at least."""
        if not isinstance(data, dict):
            raise HttpError(json_response(400, {'error': 'seed data must be an object'}))
        self.state['admins'].update(data.get('admins') or {})
        if 'job_delay' in data:
            self.state['options']['job_delay'] = float(data['job_delay'])
        return {'seeded': self.name}

    def admin(self, request):
        creds = request.basic_auth()
        if not creds or self.state['admins'].get(creds[0]) != creds[1]:
            raise HttpError(json_response(401, {'error': {'code': 'UNAUTHORIZED', 'message': 'Unauthorized'}},
                                          {'WWW-Authenticate': 'Basic realm="IDM"'}))

    # ---- repositories ----

    def repository(self, repository_id):
        repo = self.state['repositories'].get(str(repository_id))
        if repo is None:
            raise contract_error(404, 'NOT_FOUND', 'Repository %s does not exist' % repository_id)
        return repo

    def render(self, repo):
        out = dict((k, copy.deepcopy(v)) for k, v in repo.items() if k != 'constants')
        out['constants'] = dict((k, v) for k, v in repo['constants'].items() if k not in ENCRYPTED)
        out['encryptedConstants'] = sorted(k for k, v in repo['constants'].items() if k in ENCRYPTED and v)
        jobs = [j for j in self.state['jobs'].values() if j['repository'] == repo['id']]
        last = max(jobs, key=lambda j: j['seq']) if jobs else None
        succeeded = [j['endedAt'] for j in jobs if j['status'] == 'succeeded']
        out['initialLoad'] = {'lastJob': self.render_job(last) if last else None,
                              'lastSucceeded': max(succeeded) if succeeded else None}
        return out

    @staticmethod
    def render_job(job):
        return dict((k, v) for k, v in job.items() if k not in ('repository', 'seq'))

    def validated(self, body, own_id=None):
        if not isinstance(body, dict):
            raise contract_error(400, 'INVALID', 'The body must be a JSON object')
        name = body.get('name')
        if not isinstance(name, str) or not name.strip():
            raise contract_error(400, 'INVALID', 'name is required')
        if any(r['name'] == name and r['id'] != own_id for r in self.state['repositories'].values()):
            raise contract_error(409, 'DUPLICATE_NAME', 'A repository named %s already exists' % name)
        constants = body.get('constants') or {}
        if not isinstance(constants, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                      for k, v in constants.items()):
            raise contract_error(400, 'INVALID', 'constants must map names to text values')
        return {'name': name, 'description': body.get('description') or '',
                'typeQN': body.get('typeQN') or 'com.sap.idm.connector.scim:reptype.SCIM',
                'disabled': bool(body.get('disabled')), 'constants': dict(constants)}

    def add(self, fields):
        self.state['seq'] += 1
        repo = dict(fields, id=self.state['seq'])
        self.state['repositories'][str(repo['id'])] = repo
        self.save()
        return repo

    @route('GET', CONTRACT + '/repositories')
    def contract_list(self, request):
        self.admin(request)
        name = request.query.get('name')
        return json_response(200, {'repositories': [self.render(r) for r in self.state['repositories'].values()
                                                    if name is None or r['name'] == name]})

    @route('POST', CONTRACT + '/repositories')
    def contract_create(self, request):
        self.admin(request)
        repo = self.add(self.validated(request.json()))
        return json_response(201, self.render(repo),
                             {'Location': '%s%s/repositories/%s' % (self.url, CONTRACT, repo['id'])})

    @route('GET', CONTRACT + r'/repositories/(?P<repository_id>\d+)')
    def contract_read(self, request, repository_id):
        self.admin(request)
        return json_response(200, self.render(self.repository(repository_id)))

    @route('PUT', CONTRACT + r'/repositories/(?P<repository_id>\d+)')
    def contract_replace(self, request, repository_id):
        """Constants are replaced as sent, except encrypted ones not sent, which keep their value."""
        self.admin(request)
        repo = self.repository(repository_id)
        fields = self.validated(request.json(), repo['id'])
        kept = dict((k, v) for k, v in repo['constants'].items() if k in ENCRYPTED and k not in fields['constants'])
        fields['constants'].update(kept)
        repo.update(fields)
        self.save()
        return json_response(200, self.render(repo))

    @route('DELETE', CONTRACT + r'/repositories/(?P<repository_id>\d+)')
    def contract_delete(self, request, repository_id):
        self.admin(request)
        repo = self.repository(repository_id)
        del self.state['repositories'][str(repo['id'])]
        self.state['jobs'] = dict((k, j) for k, j in self.state['jobs'].items() if j['repository'] != repo['id'])
        self.state['identity_store'].pop(repo['name'], None)
        self.save()
        return Response(204, b'')

    # ---- the initial load ----

    @route('POST', CONTRACT + r'/repositories/(?P<repository_id>\d+)/initial-load')
    def contract_initial_load(self, request, repository_id):
        """202 with the new job; 409 with the running one when a load is already running."""
        self.admin(request)
        repo = self.repository(repository_id)
        running = [j for j in self.state['jobs'].values() if j['repository'] == repo['id'] and j['status'] == 'running']
        if running:
            return json_response(409, self.render_job(running[0]))
        self.state['seq'] += 1
        job = {'id': str(uuid.uuid4()), 'repository': repo['id'], 'seq': self.state['seq'], 'type': 'initial-load',
               'status': 'running', 'startedAt': timestamp(), 'endedAt': None, 'users': None, 'groups': None,
               'message': None}
        self.state['jobs'][job['id']] = job
        self.save()
        threading.Thread(target=self.run_job, args=(job['id'], repo['name'], dict(repo['constants'])),
                         daemon=True).start()
        return json_response(202, self.render_job(job))

    @route('GET', CONTRACT + r'/repositories/(?P<repository_id>\d+)/jobs/(?P<job_id>[^/]+)')
    def contract_job(self, request, repository_id, job_id):
        self.admin(request)
        repo = self.repository(repository_id)
        job = self.state['jobs'].get(job_id)
        if job is None or job['repository'] != repo['id']:
            raise contract_error(404, 'NOT_FOUND', 'Job %s does not exist' % job_id)
        return json_response(200, self.render_job(job))

    def run_job(self, job_id, name, constants):
        started = time.time()
        try:
            users, groups = self.load(constants)
            outcome = {'status': 'succeeded', 'users': len(users), 'groups': len(groups),
                       'message': 'read %d users and %d groups' % (len(users), len(groups))}
        except LoadError as exc:
            users = groups = None
            outcome = {'status': 'failed', 'message': str(exc)}
        time.sleep(max(self.state['options']['job_delay'] - (time.time() - started), 0))
        with self.lock:
            job = self.state['jobs'].get(job_id)
            if job is None:
                return  # the repository was deleted meanwhile
            job.update(outcome, endedAt=timestamp())
            if users is not None:
                self.state['identity_store'][name] = {
                    'system_privilege': 'PRIV:SYSTEM:%s' % name,
                    'users': sorted(u.get('userName') or u.get('id') for u in users),
                    'groups': sorted(g.get('displayName') or g.get('id') for g in groups)}
            self.save()

    def load(self, constants):
        """Users and Groups read through the repository's own constants, as the SCIM connector would."""
        for name in ('SCIM_PROTOCOL', 'SCIM_HOST', 'SCIM_PORT', 'SCIM_PATH', 'AUTH_TYPE', 'AUTH_USER', 'AUTH_PASSWORD'):
            if not constants.get(name):
                raise LoadError('constant %s is empty' % name)
        base = '%s://%s:%s%s' % (constants['SCIM_PROTOCOL'], constants['SCIM_HOST'], constants['SCIM_PORT'],
                                 constants['SCIM_PATH'])
        session = emulated_session(self.emulator)
        session.headers['Accept'] = 'application/scim+json'
        if constants.get('PROXY_HOST'):
            proxy = 'http://%s:%s' % (constants['PROXY_HOST'], constants.get('PROXY_PORT') or '8080')
            session.proxies = {'http': proxy, 'https': proxy}
        auth_type = constants['AUTH_TYPE'].lower()
        if auth_type == 'oauth':
            session.headers['Authorization'] = 'Bearer %s' % self.token(session, constants)
        elif auth_type == 'basic':
            session.auth = (constants['AUTH_USER'], constants['AUTH_PASSWORD'])
        else:
            raise LoadError('constant AUTH_TYPE is %r; expected basic or oauth' % constants['AUTH_TYPE'])
        return self.read_all(session, base, 'Users', constants), self.read_all(session, base, 'Groups', constants)

    @staticmethod
    def token(session, constants):
        url = constants.get('OAUTH_URL')
        if not url:
            raise LoadError('constant OAUTH_URL is empty (AUTH_TYPE oauth)')
        try:
            response = session.post(url, params={'grant_type': 'client_credentials'},
                                    auth=(constants['AUTH_USER'], constants['AUTH_PASSWORD']), timeout=30)
        except requests.RequestException as exc:
            raise LoadError('cannot connect to OAUTH_URL %s (%s): check OAUTH_URL and PROXY_HOST/PROXY_PORT'
                            % (url, exc.__class__.__name__))
        if response.status_code != 200:
            raise LoadError('token request to OAUTH_URL %s answered HTTP %d: check AUTH_USER and AUTH_PASSWORD '
                            '(the OAuth client ID and secret) and OAUTH_URL' % (url, response.status_code))
        try:
            return response.json()['access_token']
        except (ValueError, KeyError):
            raise LoadError('OAUTH_URL %s gave no access_token: is it a token endpoint?' % url)

    @staticmethod
    def read_all(session, base, resource, constants):
        out = []
        start = 1
        for _page in range(MAX_PAGES):
            url = '%s/%s' % (base, resource)
            try:
                response = session.get(url, params={'startIndex': str(start), 'count': str(PAGE_SIZE)}, timeout=60)
            except requests.RequestException as exc:
                raise LoadError('cannot connect to %s://%s:%s (%s): check SCIM_PROTOCOL, SCIM_HOST, SCIM_PORT and '
                                'PROXY_HOST/PROXY_PORT' % (constants['SCIM_PROTOCOL'], constants['SCIM_HOST'],
                                                           constants['SCIM_PORT'], exc.__class__.__name__))
            if response.status_code in (401, 403):
                raise LoadError('GET %s answered HTTP %d: the proxy refused the caller; check AUTH_TYPE, AUTH_USER, '
                                'AUTH_PASSWORD and the caller\'s authorization in IPS' % (url, response.status_code))
            if response.status_code == 404:
                raise LoadError('GET %s answered HTTP 404: check SCIM_PATH (/ipsproxy/.../scim/<system id>)' % url)
            if response.status_code != 200:
                raise LoadError('GET %s answered HTTP %d: %s' % (url, response.status_code, detail(response)))
            try:
                page = response.json()
                resources = page.get('Resources') or []
                total = int(page.get('totalResults', 0))
                step = int(page.get('itemsPerPage') or len(resources) or PAGE_SIZE)
            except (ValueError, AttributeError, TypeError):
                raise LoadError('GET %s gave no SCIM ListResponse: check SCIM_HOST and SCIM_PATH' % url)
            out.extend(resources)
            # Documented for the proxy: never stop on a short page, only when startIndex passes totalResults.
            start += step
            if start > total:
                return out
        raise LoadError('GET %s/%s: more than %d pages' % (base, resource, MAX_PAGES))

    # ---- emulator-only: the admin UI's CSV import ----

    @route('POST', UI + '/import')
    def ui_import(self, request):
        """Import a repository CSV as the admin UI does: a header line and one line of values, quotes optional."""
        self.admin(request)
        try:
            rows = [r for r in csv.reader(io.StringIO(request.body.decode('utf-8'))) if any(c.strip() for c in r)]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise contract_error(400, 'INVALID', 'not a CSV file: %s' % exc)
        if len(rows) != 2 or 'Name' not in rows[0]:
            raise contract_error(400, 'INVALID', 'expected a header line with Name and one line of values')
        row = dict((h.strip(), v) for h, v in zip(rows[0], rows[1]) if h.strip())
        body = {'name': row.get('Name'), 'description': row.get('Description'), 'typeQN': row.get('TypeQN'),
                'disabled': row.get('Disabled') == '1',
                'constants': dict((k, v) for k, v in row.items() if k not in FIXED_COLUMNS and v != '')}
        repo = self.add(self.validated(body))
        return json_response(201, self.render(repo))


def detail(response):
    try:
        body = response.json()
        return str(body.get('detail') or body)[:300]
    except ValueError:
        return (response.text or response.reason or '').strip()[:300]
