# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the read-only info modules share: their main() (`run_info`), the JMESPath option `query` and the shape of
their result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import missing_required_lib

try:
    import jmespath
    HAS_JMESPATH = True
    JMESPATH_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - reported by the module when `query` is used
    HAS_JMESPATH = False
    JMESPATH_IMPORT_ERROR = traceback.format_exc()

from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run


def run_info(argument_spec, key, read):
    """main() of an info module: its options plus `query`; read(params) checks the options, reads (making no
    change) and returns the items, answered under key with the query applied. A bad query fails before any
    request."""
    module = new_module(dict(argument_spec, **query_argument_spec()), supports_check_mode=True)

    def body(module):
        query = compile_query(module)
        return info_result(query, key, read(module.params))

    run(module, body)


def query_argument_spec():
    """The option of the sapcloud.identity.query doc fragment."""
    return dict(query=dict(type='str'))


def compile_query(module):
    """The compiled option `query`, or None without one; a bad expression fails before any request."""
    expression = module.params['query']
    if not expression:
        return None
    if not HAS_JMESPATH:
        module.fail_json(msg=missing_required_lib('jmespath'), exception=JMESPATH_IMPORT_ERROR)
    try:
        return jmespath.compile(expression)
    except jmespath.exceptions.JMESPathError as exc:
        raise ValidationError('query is not a valid JMESPath expression: %s' % exc)


def info_result(query, key, items):
    """An info module's result: the items under key, and the query applied to them as query_result."""
    result = {'changed': False, key: items}
    if query is not None:
        result['query_result'] = apply_query(query, key, len(items))(items)
    return result


def apply_query(query, key, count):
    """query.search as a function whose failure is a ValidationError worded without the data: JMESPath's own
    message quotes the value it choked on, which may be any of the items read."""
    def search(items):
        try:
            return query.search(items)
        except jmespath.exceptions.JMESPathError as exc:
            raise ValidationError('query failed on the %d %s read: %s' % (count, key, query_error(exc)))
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise ValidationError('query failed on the %d %s read (%s)' % (count, key, type(exc).__name__))
    return search


def query_error(exc):
    """JMESPath's reason without the value it was given."""
    function = getattr(exc, 'function_name', None)
    if function and getattr(exc, 'expected_types', None):
        expected = ' or '.join(exc.expected_types)
        return 'function %s() expects %s, got a %s' % (function, expected,
                                                       getattr(exc, 'actual_type', 'value of another type'))
    if function:
        return 'function %s() was called wrongly (%s)' % (function, type(exc).__name__)
    return type(exc).__name__
