# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IDM repository that the input of idm_repository asks for, without a request or an engine:
`DesiredRepository` (options to constants, validated before any request; the documents to send),
`server_view`/`csv_view` (a repository from either transport in one flat shape to compare and diff), the initial
load (whether to start one, waiting for it within a deadline, why it failed) and the admin's next step.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time
from urllib.parse import urlsplit

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import check_transport, read_text
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.idm import (
    JOB_FAILED, JOB_RUNNING, check_csv_text, parse_csv)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import check_system_id, default_token_url
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import MASK

# The CSV holds the encrypted constants in clear text: only its owner may read it.
CSV_MODE = 0o600
CSV_WHAT = 'a repository CSV'
# Polling an initial load: the first wait, doubled after each read up to the longest.
POLL_FIRST = 0.2
POLL_MAX = 5.0

# Options named after one constant each.
CONSTANT_OPTIONS = {
    'scim_protocol': 'SCIM_PROTOCOL', 'scim_host': 'SCIM_HOST', 'scim_port': 'SCIM_PORT', 'scim_path': 'SCIM_PATH',
    'auth_type': 'AUTH_TYPE', 'oauth_url': 'OAUTH_URL', 'auth_user': 'AUTH_USER', 'auth_password': 'AUTH_PASSWORD',
    'proxy_host': 'PROXY_HOST', 'proxy_port': 'PROXY_PORT', 'proxy_user': 'PROXY_USER',
    'proxy_password': 'PROXY_PASSWORD', 'truststore': 'TRUSTSTORE', 'truststore_password': 'TRUSTSTORE_PASSWORD',
    'scim_assignment_method': 'SCIM_ASSIGNMENT_METHOD',
}
OPTION_OF = dict((v, k) for k, v in CONSTANT_OPTIONS.items())
PREFIX = 'constants.'
SECRET_FIELDS = [PREFIX + c for c in fmt.ENCRYPTED_CONSTANTS]


def parameter_of(constant):
    option = OPTION_OF.get(constant)
    return '%s (constant %s)' % (option, constant) if option else 'constants.%s' % constant


class DesiredRepository:
    """The repository the input of idm_repository asks for, validated before any request."""

    def __init__(self, params):
        self.params = params
        self.source_description = None
        check_transport(params, 'idm_admin')
        if params['initial_load_timeout'] < 0:
            raise ValidationError('initial_load_timeout must be 0 or more seconds')
        check_csv_text(params['name'], 'name')
        check_csv_text(params['description'], 'description')
        check_csv_text(params['repository_type'], 'repository_type')
        if not params['name'].strip():
            raise ValidationError('name must not be empty')
        if params['name'].startswith(fmt.CSV_FORMULA_PREFIXES):
            raise ValidationError('name must not begin with %s: a spreadsheet would read the CSV cell as a formula'
                                  % ' '.join(repr(c) for c in fmt.CSV_FORMULA_PREFIXES))
        self.constants = self._constants() if params['state'] == 'present' else {}

    def _constants(self):
        p = self.params
        if p['source_csv'] and p['proxy_system']:
            raise ValidationError('source_csv and proxy_system are mutually exclusive: give one source')
        out = dict(fmt.CONSTANT_DEFAULTS)
        out['SYSTEM_PRIVILEGE'] = fmt.SYSTEM_PRIVILEGE_TEMPLATE % p['name']
        if p['source_csv']:
            text = read_text(p['source_csv'], 'source_csv')
            if text is None:
                raise ValidationError('source_csv: %s does not exist' % p['source_csv'])
            fields, source = parse_csv(text, 'source_csv')
            self.source_description = fields.get('Description') or None
            check_csv_text(self.source_description, 'the Description of source_csv')
            out.update((k, v) for k, v in source.items() if k != 'SYSTEM_PRIVILEGE')
        if p['proxy_system']:
            ps = p['proxy_system']
            out.update(constants_from_proxy(ps['infrastructure'], ps['proxy_url'], ps['system_id'], ps['token_url']))
        for name, value in (p['constants'] or {}).items():
            if not re.fullmatch(fmt.CONSTANT_NAME_PATTERN, name):
                raise ValidationError('constants: the name %r is not a constant name (letters, digits and "_", '
                                      'starting with a letter or "_"): it would be a column of the CSV header' % name)
            if name in fmt.ENCRYPTED_CONSTANTS or name in OPTION_OF:
                raise ValidationError('constants.%s: use the option %s instead' % (name, OPTION_OF.get(name, name)))
            if value is None or isinstance(value, (dict, list)):
                raise ValidationError('constants.%s must be a string, number or boolean' % name)
            out[name] = str(value).lower() if isinstance(value, bool) else str(value)
        for option, constant in CONSTANT_OPTIONS.items():
            if p[option] is not None:
                out[constant] = str(p[option])
        for name, value in out.items():
            check_csv_text(value, parameter_of(name), secret=name in fmt.ENCRYPTED_CONSTANTS)
        self._check(out)
        return out

    def _check(self, constants):
        p = self.params
        needed = ['SCIM_PROTOCOL', 'SCIM_HOST', 'SCIM_PORT', 'SCIM_PATH', 'AUTH_TYPE', 'AUTH_USER']
        if p['transport'] == 'api' or p['include_secrets']:
            needed.append('AUTH_PASSWORD')
        if constants.get('AUTH_TYPE', '').lower() == 'oauth':
            needed.append('OAUTH_URL')
        for name in needed:
            if not constants.get(name):
                raise ValidationError('%s is required: give it, or take it from proxy_system or source_csv'
                                      % parameter_of(name))
        auth_type = constants['AUTH_TYPE'].lower()
        if auth_type not in fmt.AUTH_TYPES:
            raise ValidationError('%s must be one of %s' % (parameter_of('AUTH_TYPE'), ', '.join(fmt.AUTH_TYPES)))
        constants['AUTH_TYPE'] = auth_type
        for name in ('SCIM_PORT', 'PROXY_PORT'):
            value = constants.get(name)
            if value and not (value.isdigit() and value.isascii() and 0 < int(value) < 65536):
                raise ValidationError('%s must be a port number between 1 and 65535, got %r'
                                      % (parameter_of(name), value))
        if not constants['SCIM_PATH'].startswith('/'):
            raise ValidationError('%s must start with "/"' % parameter_of('SCIM_PATH'))
        if constants.get('OAUTH_URL'):
            check_base_url(constants['OAUTH_URL'], parameter_of('OAUTH_URL'))

    def description(self):
        p = self.params
        return p['description'] if p['description'] is not None else self.source_description

    def view(self):
        p = self.params
        out = {'name': p['name'], 'description': self.description(), 'repository_type': p['repository_type'],
               'disabled': p['disabled']}
        out.update((PREFIX + k, v) for k, v in self.constants.items())
        return out

    def secrets(self):
        return dict((k, v) for k, v in self.constants.items() if k in fmt.ENCRYPTED_CONSTANTS)

    def to_send(self, current=None, send_secrets=False):
        """The document a create (current None) or replace sends: the secrets only when asked."""
        return self.document(current, send_secrets)

    def document(self, current=None, send_secrets=False):
        """What to send: the current constants overridden by the desired ones; secrets only when asked."""
        current = current or {}
        constants = dict(current.get('constants') or {})
        constants.update((k, v) for k, v in self.constants.items() if k not in fmt.ENCRYPTED_CONSTANTS)
        if send_secrets:
            constants.update(self.secrets())
        description = self.description()
        return {'name': self.params['name'],
                'description': description if description is not None else current.get('description', ''),
                'typeQN': self.params['repository_type'], 'disabled': self.params['disabled'],
                'constants': constants}

    def target(self, current):
        """What the repository should look like, with the names of the encrypted constants it will hold and no
        value; what is compared with current."""
        held = set((current or {}).get('encryptedConstants') or [])
        target = self.document(current)
        target.update(id=(current or {}).get('id'), encryptedConstants=sorted(held | set(self.secrets())))
        return target

    def password_policy(self, current):
        """Encrypted constants cannot be read back: they are sent on create, when the repository lacks one, or
        with update_password=always."""
        held = set((current or {}).get('encryptedConstants') or [])
        return 'always' if any(k not in held for k in self.secrets()) else self.params['update_password']

    def file_constants(self):
        """The constants the CSV holds: the encrypted ones only with include_secrets."""
        if self.params['include_secrets']:
            return dict(self.constants)
        return dict((k, v) for k, v in self.constants.items() if k not in fmt.ENCRYPTED_CONSTANTS)

    def file_document(self):
        """The repository as the CSV holds it, in the shape of the server's: encrypted constants by name only."""
        constants = self.file_constants()
        repo = self.document()
        repo['constants'] = dict((k, v) for k, v in constants.items() if k not in fmt.ENCRYPTED_CONSTANTS)
        repo['encryptedConstants'] = sorted(k for k in constants if k in fmt.ENCRYPTED_CONSTANTS)
        return repo

    def file_next_step(self, rewritten):
        """What the admin does by hand after a file run (rewritten: an existing CSV was, or would be, changed)."""
        p = self.params
        encrypted = [c for c in fmt.ENCRYPTED_CONSTANTS if c in self.file_constants()]
        steps = ['In the IDM admin UI (System Configuration > Repositories), import %s as a new SCIM repository (the '
                 'exact import menu is UNCONFIRMED).' % p['dest']]
        if rewritten:
            steps.append('If the repository is in IDM already, change its constants there by hand instead (the diff '
                         'shows which).')
        if encrypted:
            steps.append('Check that IDM took the encrypted constants %s from the clear text (UNCONFIRMED; how to '
                         'check is in docs/ips-idm-contract.md); if not, enter them by hand.' % ', '.join(encrypted))
        else:
            steps.append('Enter the encrypted constants (AUTH_PASSWORD at least) by hand: they are not in the file.')
        if p['initial_load'] != 'never':
            steps.append('Then start the initial load: the repository\'s Jobs tab, the initial load job, Run now.')
        return ' '.join(steps)


def server_view(repo):
    if repo is None:
        return None
    out = {'name': repo.get('name'), 'description': repo.get('description') or '',
           'repository_type': repo.get('typeQN'), 'disabled': bool(repo.get('disabled'))}
    out.update((PREFIX + k, v) for k, v in (repo.get('constants') or {}).items())
    out.update((PREFIX + k, MASK) for k in repo.get('encryptedConstants') or [])
    return out


def csv_view(text):
    if text is None:
        return None
    try:
        fields, constants = parse_csv(text, 'dest')
    except ValidationError:
        return {'content': 'not a repository CSV'}
    out = {'name': fields.get('Name'), 'description': fields.get('Description'),
           'repository_type': fields.get('TypeQN'), 'disabled': fields.get('Disabled') == '1'}
    out.update((PREFIX + k, v) for k, v in constants.items())
    return out


def is_repository_csv(text):
    """Whether text is a repository CSV as idm_repository writes it (a header with Name and TypeQN, one value line)."""
    try:
        fields, _constants = parse_csv(text, 'dest')
    except ValidationError:
        return False
    return bool(fields.get('Name')) and bool(fields.get('TypeQN'))


def constants_from_proxy(infrastructure, proxy_url, system_id, token_url=None):
    """The connection constants of a proxy system, as the IPS CSV export is expected to fill them (UNCONFIRMED
    inference from the documented SCIM URL and token URL patterns)."""
    check_system_id(system_id, 'proxy_system.system_id')
    parts = urlsplit(check_base_url(proxy_url, 'proxy_system.proxy_url'))
    token_url = token_url or default_token_url(infrastructure, proxy_url)
    if not token_url:
        raise ValidationError('proxy_system.token_url is required with infrastructure neo: the Neo token host '
                              '(https://oauthasservices-<consumer>.<host>) cannot be derived from the proxy URL')
    return {
        'SCIM_PROTOCOL': parts.scheme,
        'SCIM_HOST': parts.hostname,
        'SCIM_PORT': str(parts.port or (443 if parts.scheme == 'https' else 80)),
        'SCIM_PATH': fmt.PROXY_SCIM_PATHS[infrastructure] + system_id,
        'AUTH_TYPE': 'oauth',
        'OAUTH_URL': token_url,
    }


def running_load(repository):
    """The repository's load that is still running, or None."""
    job = (repository.get('initialLoad') or {}).get('lastJob')
    return job if job is not None and job.get('status') == JOB_RUNNING else None


def skipped_load(repository, initial_load):
    """The report of a load that is not started (initial_load=once and a load succeeded before), or None."""
    status = repository.get('initialLoad') or {}
    if initial_load == 'once' and status.get('lastSucceeded'):
        message = 'not started: the repository was loaded before (initial_load=once)'
        return dict(status.get('lastJob') or {}, message=message)
    return None


def wait_for_load(job, read_job, timeout, sleep=time.sleep, clock=time.time):
    """The job once it no longer runs, or as it is when timeout seconds have passed: read_job() reads it again,
    first after POLL_FIRST seconds, then after twice the wait before, at most POLL_MAX, never past the deadline."""
    deadline = clock() + timeout
    delay = POLL_FIRST
    while job.get('status') == JOB_RUNNING and clock() < deadline:
        sleep(min(delay, max(deadline - clock(), 0)))
        delay = min(delay * 2, POLL_MAX)
        job = read_job()
    return job


def load_failure(job, timeout):
    """Why the load failed the task, or None: it failed, or it still runs although the task was to wait for it
    (timeout 0 starts it and returns)."""
    if job.get('status') == JOB_FAILED:
        return job.get('message')
    if job.get('status') == JOB_RUNNING and timeout > 0:
        return 'still running after %d seconds; a later run with initial_load=once waits for it' % timeout
    return None
