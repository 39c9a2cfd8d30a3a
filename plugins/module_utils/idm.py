# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP Identity Management (IDM) 8.0 client: the only place that knows its URLs and files.

IDM has no API for repositories, constants or jobs (its REST interface serves the identity store). So:
- `IdmAdminClient` speaks the collection's own REST contract (docs/ips-idm-contract.md), implemented by the
  emulator and by no SAP system;
- `render_csv`/`parse_csv` write and read the CSV that the IDM admin UI imports as a SCIM repository (the file
  IPS exports for a proxy system). Its layout is in ips_idm_formats.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.sapcloud.identity.plugins.module_utils import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.base import ValidationError, check_base_url, tls_options
from ansible_collections.sapcloud.identity.plugins.module_utils.transport import HttpClient, create_confirmed, decode_json
from ansible_collections.sapcloud.identity.plugins.module_utils.ips import check_system_id, default_token_url

# The collection's own contract for repositories and their initial load (never an SAP API).
CONTRACT_BASE = '/sapcloud-identity/idm/v1'

JOB_RUNNING = 'running'
JOB_SUCCEEDED = 'succeeded'
JOB_FAILED = 'failed'


def idm_argument_spec():
    """Options of the sapcloud.identity.idm doc fragment."""
    return dict(
        idm_admin_url=dict(type='str', fallback=(env_fallback, ['SAP_IDM_ADMIN_URL'])),
        idm_admin_user=dict(type='str', fallback=(env_fallback, ['SAP_IDM_ADMIN_USER'])),
        idm_admin_password=dict(type='str', no_log=True, fallback=(env_fallback, ['SAP_IDM_ADMIN_PASSWORD'])),
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


def _csv_value(value):
    return '"%s",' % value if value not in (None, '') else ','


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
    values = ''.join(_csv_value(row.get(c)) for c in columns)
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
    row = dict((h.strip(), v) for h, v in zip(header, values) if h.strip())
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


class IdmAdminClient:
    """Repositories and initial loads through the collection's own REST contract (emulator only)."""

    def __init__(self, params):
        base = check_base_url(params['idm_admin_url'], 'idm_admin_url')
        self.http = HttpClient(base + CONTRACT_BASE, auth=(params['idm_admin_user'], params['idm_admin_password']),
                               **tls_options(params))

    def list(self, name=None):
        """All repositories, or those named name (one request)."""
        return self.http.get_json('repositories', params={'name': name} if name else None).get('repositories', [])

    def find(self, name):
        found = self.list(name)
        return found[0] if found else None

    def create(self, document):
        def post():
            return decode_json(self.http.request('POST', 'repositories', json_body=document))
        return create_confirmed(post, lambda: self.find(document['name']))

    def replace(self, repository_id, document):
        return decode_json(self.http.request('PUT', 'repositories/%s' % repository_id, json_body=document))

    def delete(self, repository_id):
        self.http.request('DELETE', 'repositories/%s' % repository_id, ok=(200, 204, 404))

    def start_initial_load(self, repository_id):
        """Start the repository's initial load; a load already running is returned instead (409), which also
        makes repeating this POST after a lost response safe."""
        response = self.http.request('POST', 'repositories/%s/initial-load' % repository_id, ok=(200, 202, 409),
                                     idempotent=True)
        return decode_json(response)

    def job(self, repository_id, job_id):
        return self.http.get_json('repositories/%s/jobs/%s' % (repository_id, job_id))
