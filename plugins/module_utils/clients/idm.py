# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP Identity Management (IDM) 8.0 client: the only place that knows its URLs and files.

IDM has no API for repositories, constants or jobs (its REST interface serves the identity store). So:
- `IdmAdminClient` speaks the collection's own REST contract (docs/ips-idm-contract.md), implemented by the
  emulator and by no SAP system;
- `render_csv`/`parse_csv` write and read the CSV that the IDM admin UI imports as a SCIM repository (the file
  IPS exports for a proxy system). Its layout is in ips_idm_formats.
What idm_repository asks of a repository (constants, views, the initial load) is in idm_repository_model.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import ContractClient
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.options import env_option
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import decode_json

# The collection's own contract for repositories and their initial load (never an SAP API).
CONTRACT_BASE = '/sapcloud-identity/idm/v1'

# Job states of the contract besides 'succeeded'.
JOB_RUNNING = 'running'
JOB_FAILED = 'failed'


def idm_argument_spec():
    """Options of the sapcloud.identity.idm doc fragment."""
    return dict(
        idm_admin_url=env_option('SAP_IDM_ADMIN_URL'),
        idm_admin_user=env_option('SAP_IDM_ADMIN_USER'),
        idm_admin_password=env_option('SAP_IDM_ADMIN_PASSWORD', no_log=True),
    )


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
