# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP Identity Management (IDM) 8.0 client: the only place that knows its URLs and files.

IDM has no API for repositories, constants or jobs (its REST interface serves the identity store). So:
- `IdmAdminClient` speaks the collection's own REST contract (docs/ips-idm-contract.md), implemented by the
  emulator and by no SAP system;
- `render_csv`/`parse_csv` write and read the CSV that the IDM admin UI imports as a SCIM repository (the file
  IPS exports for a proxy system). Its layout is in ips_idm_formats;
- `DesiredRepository` turns the options of idm_repository into constants, and `server_view`/`csv_view` put a
  repository from either transport into one flat shape to compare and diff.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
import re
from urllib.parse import urlsplit

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import (
    ContractClient, check_transport, read_text)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import check_system_id, default_token_url
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.options import env_option
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import MASK, decode_json

# The collection's own contract for repositories and their initial load (never an SAP API).
CONTRACT_BASE = '/sapcloud-identity/idm/v1'

# Job states of the contract besides 'succeeded'.
JOB_RUNNING = 'running'
JOB_FAILED = 'failed'

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


def idm_argument_spec():
    """Options of the sapcloud.identity.idm doc fragment."""
    return dict(
        idm_admin_url=env_option('SAP_IDM_ADMIN_URL'),
        idm_admin_user=env_option('SAP_IDM_ADMIN_USER'),
        idm_admin_password=env_option('SAP_IDM_ADMIN_PASSWORD', no_log=True),
    )


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


def _csv_value(column, value):
    if value in (None, ''):
        return ','
    return '"%s",' % (neutralised(value) if column not in fmt.CSV_VERBATIM_COLUMNS else value)


def neutralised(value):
    """A cell a spreadsheet shows as text: a leading formula character (and a leading quote, so the rule can be
    undone) gets a single quote in front, as spreadsheet-safe exports do."""
    return "'" + value if value.startswith(fmt.CSV_FORMULA_PREFIXES + ("'",)) else value


def restored(column, value):
    """The value neutralised() wrote, as it was given."""
    if column in fmt.CSV_VERBATIM_COLUMNS or not value.startswith("'"):
        return value
    return value[1:]


def csv_columns(constants):
    extra = sorted(k for k in constants if k not in fmt.CSV_CONSTANT_COLUMNS)
    return list(fmt.CSV_FIXED_COLUMNS) + list(fmt.CSV_CONSTANT_COLUMNS) + extra


def render_csv(name, description, type_qn, disabled, constants):
    """The repository as the two-line CSV the IDM admin UI imports (byte-stable for the same input)."""
    row = {'Name': name, 'Description': description, 'Type': '', 'Disabled': '1' if disabled else '0',
           'TypeQN': type_qn}
    row.update(constants)
    columns = csv_columns(constants)
    header = ''.join('%s,' % c for c in columns)
    values = ''.join(_csv_value(c, row.get(c)) for c in columns)
    return header + fmt.CSV_LINE_END + values + fmt.CSV_LINE_END


def parse_csv(text, parameter):
    """(fields, constants) from an IPS/IDM repository CSV; fields has Name, Description, Disabled, TypeQN."""
    rows = [r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r)]
    if len(rows) != 2:
        raise ValidationError('%s must hold a header line and one line of values, found %d non-empty lines'
                              % (parameter, len(rows)))
    header, values = rows
    if 'Name' not in header:
        raise ValidationError('%s has no Name column; is it the CSV export of a proxy system?' % parameter)
    row = dict((h.strip(), restored(h.strip(), v)) for h, v in zip(header, values) if h.strip())
    fields = dict((k, row.pop(k, '')) for k in fmt.CSV_FIXED_COLUMNS)
    return fields, dict((k, v) for k, v in row.items() if v != '')


def check_csv_text(value, parameter, secret=False):
    """The CSV has no escaping rule we could confirm, so values with quotes or line breaks are refused."""
    if value is None:
        return
    bad = [c for c in ('"', '\r', '\n') if c in value]
    if bad:
        shown = '' if secret else ' (got %r)' % value
        raise ValidationError('%s must not contain double quotes or line breaks: the IDM CSV import has no '
                              'documented escaping%s' % (parameter, shown))


class IdmAdminClient(ContractClient):
    """Repositories and initial loads through the collection's own REST contract (emulator only)."""

    def __init__(self, params):
        super(IdmAdminClient, self).__init__(params, 'idm_admin', CONTRACT_BASE, 'repositories')

    def start_initial_load(self, repository_id):
        """Start the repository's initial load; a load already running is returned instead (409), which also
        makes repeating this POST after a lost response safe."""
        response = self.http.request('POST', self.path(repository_id, 'initial-load'), ok=(200, 202, 409),
                                     idempotent=True)
        return decode_json(response)

    def job(self, repository_id, job_id):
        return self.http.get_json(self.path(repository_id, 'jobs', str(job_id)))
