"""Routes of an emulated SAP Identity Management 8.0: SCIM repositories, their constants and the initial load job.
State and rules are in model.py; the load's reads of the proxy in load.py.

IDM 8.0 has no API for any of this (its admin UI and CSV import only), so every route here is either the
collection's own contract or an emulator-only stand-in for the admin UI; none is an SAP API:
- the collection's own contract (docs/ips-idm-contract.md): /sapcloud-identity/idm/v1/repositories[/<id>],
  POST .../<id>/initial-load, GET .../<id>/jobs/<job id>.
- emulator-only: POST /emulator-ui/idm/import (the admin UI's CSV import of a SCIM repository).

The initial load runs in a thread and really calls the emulated proxy, so a wrong constant fails the job with a
message naming the constants to check.
"""

import csv
import io
import threading
import time

from emulator.core import HttpError, Response, Service, json_response, route
from emulator.services.idm import load
from emulator.services.idm.model import IdmModel, public_job
from emulator.services.ips.connector import emulated_session

CONTRACT = '/sapcloud-identity/idm/v1'
UI = '/emulator-ui/idm'
FIXED_COLUMNS = ('Name', 'Description', 'Type', 'Disabled', 'TypeQN')


def contract_error(status, code, message):
    return HttpError(json_response(status, {'error': {'code': code, 'message': message}}))


class IdmServer(Service):
    kind = 'idm'
    model_class = IdmModel

    def refused(self, request, refusal):
        return contract_error(refusal.status, refusal.code, refusal.message).response

    def admin(self, request):
        if not self.model.is_admin(request.basic_auth()):
            raise HttpError(json_response(401, {'error': {'code': 'UNAUTHORIZED', 'message': 'Unauthorized'}},
                                          {'WWW-Authenticate': 'Basic realm="IDM"'}))

    # ---- repositories ----

    @route('GET', CONTRACT + '/repositories')
    def contract_list(self, request):
        self.admin(request)
        return json_response(200, {'repositories': [self.model.view(r) for r in
                                                    self.model.repositories(request.query.get('name'))]})

    @route('POST', CONTRACT + '/repositories')
    def contract_create(self, request):
        self.admin(request)
        repo = self.model.add(request.json())
        return json_response(201, self.model.view(repo),
                             {'Location': '%s%s/repositories/%s' % (self.url, CONTRACT, repo['id'])})

    @route('GET', CONTRACT + r'/repositories/(?P<repository_id>\d+)')
    def contract_read(self, request, repository_id):
        self.admin(request)
        return json_response(200, self.model.view(self.model.repository(repository_id)))

    @route('PUT', CONTRACT + r'/repositories/(?P<repository_id>\d+)')
    def contract_replace(self, request, repository_id):
        self.admin(request)
        repo = self.model.repository(repository_id)
        return json_response(200, self.model.view(self.model.replace(repo, request.json())))

    @route('DELETE', CONTRACT + r'/repositories/(?P<repository_id>\d+)')
    def contract_delete(self, request, repository_id):
        self.admin(request)
        self.model.delete(self.model.repository(repository_id))
        return Response(204, b'')

    # ---- the initial load ----

    @route('POST', CONTRACT + r'/repositories/(?P<repository_id>\d+)/initial-load')
    def contract_initial_load(self, request, repository_id):
        """202 with the new job; 409 with the running one when a load is already running."""
        self.admin(request)
        repo = self.model.repository(repository_id)
        job, started = self.model.start_load(repo)
        if not started:
            return json_response(409, public_job(job))
        threading.Thread(target=self.run_load, args=(job['id'], repo['name'], dict(repo['constants'])),
                         daemon=True).start()
        return json_response(202, public_job(job))

    @route('GET', CONTRACT + r'/repositories/(?P<repository_id>\d+)/jobs/(?P<job_id>[^/]+)')
    def contract_job(self, request, repository_id, job_id):
        self.admin(request)
        return json_response(200, public_job(self.model.job(self.model.repository(repository_id), job_id)))

    def run_load(self, job_id, name, constants):
        started = time.time()
        try:
            users, groups = load.load(constants, emulated_session(self.emulator))
            message = None
        except load.LoadError as exc:
            users = groups = None
            message = str(exc)
        time.sleep(max(self.model.job_delay() - (time.time() - started), 0))
        self.model.finish_load(job_id, name, users, groups, message)

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
        return json_response(201, self.model.view(self.model.add(body)))
