"""Bad input for every module, role and the s4_password lookup, judged per case by what it cost, not by words.

The cases are the rows of every table in tests/faults/inputs/ (collect()). A module case runs in-process against
the emulator (the runner the action plugins use in a task's worker) and holds when it failed, made 0 requests
before the failure (only reads where the case says so), named the parameter (every `expect` word), showed no
traceback and no secret, and its own check (a file left as it was) passes. Role and lookup cases run in one
playbook: every case must fail and the emulator must count 0 requests for the whole run, so 0 for each case.
The full suite also runs every case as a task of one playbook, in the worker and as classic module processes.
"""

import importlib
import json
import os
import re

from harness import DEMO, unhandled_exceptions

from inputs.options import PASSWORD

S4 = 'sapcloud.identity.'
INPUTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'inputs')
TEMPLATE = re.compile(r'\{\{ (emulator_urls|emulator_demo)\.(\w+) \}\}|\{\{ bad_input_password \}\}')
GROUPS = {
    's4': ('s4_comm_user', 's4_comm_user_info', 's4_comm_system', 's4_comm_system_info', 's4_comm_arrangement',
           's4_comm_arrangement_info', 's4_worker_check', 's4_preflight'),
    'btp': ('scp_destination', 'scp_destination_info', 'scp_oauth_client', 'neo_preflight'),
    'ips': ('ips_proxy_system', 'ips_proxy_system_info'),
    'idm': ('idm_repository', 'idm_repository_info'),
}
DEFAULTS = {
    's4': {'api_url': '{{ emulator_urls.s4_t1 }}', 'api_user': '{{ emulator_demo.s4_admin_user }}',
           'api_password': '{{ emulator_demo.s4_admin_password }}'},
    'btp': {'api_url': '{{ emulator_urls.neo_api }}', 'configapi_url': '{{ emulator_urls.neo_configapi }}',
            'oauth_url': '{{ emulator_urls.neo_oauth }}', 'subaccount': '{{ emulator_demo.neo_consumer_subaccount }}',
            'platform_client_id': '{{ emulator_demo.neo_platform_client_id }}',
            'platform_client_secret': '{{ emulator_demo.neo_platform_client_secret }}'},
    'ips': {'ips_admin_url': '{{ emulator_urls.ips }}', 'ips_admin_user': '{{ emulator_demo.ips_admin_user }}',
            'ips_admin_password': '{{ emulator_demo.ips_admin_password }}', 'proxy_url': '{{ emulator_urls.ips }}'},
    'idm': {'idm_admin_url': '{{ emulator_urls.idm }}', 'idm_admin_user': '{{ emulator_demo.idm_admin_user }}',
            'idm_admin_password': '{{ emulator_demo.idm_admin_password }}'},
}
CHECK_MODE = '_check_mode'  # a key of a case's args: run the case in check mode


class Case:
    def __init__(self, row):
        self.id, self.kind, self.target, args, self.expect = row[:5]
        options = row[5] if len(row) > 5 and isinstance(row[5], dict) else {}
        self.check_mode = bool(args.get(CHECK_MODE))
        self.args = dict((k, v) for k, v in args.items() if k != CHECK_MODE)
        self.reads = options.get('reads', False)
        self.check = options.get('check')


def collect(tmp):
    """Every case of every table in tests/faults/inputs/, in file-name order."""
    found = []
    for name in sorted(os.listdir(INPUTS)):
        if name.endswith('.py') and not name.startswith('_'):
            table = importlib.import_module('inputs.' + name[:-3])
            found += [Case(row) for row in table.cases(tmp)]
    ids = [c.id for c in found]
    duplicates = sorted(set(i for i in ids if ids.count(i) > 1))
    if duplicates:
        raise ValueError('bad input case ids used twice: %s' % duplicates)
    return found


def group_of(target):
    short = target.split('.')[-1]
    return next((g for g, modules in GROUPS.items() if short in modules), None)


def resolve(value, emulator):
    """value with the playbook's templates filled in, for an in-process run."""
    if isinstance(value, dict):
        return dict((resolve(k, emulator), resolve(v, emulator)) for k, v in value.items())
    if isinstance(value, list):
        return [resolve(v, emulator) for v in value]
    if not isinstance(value, str):
        return value

    def fill(match):
        if match.group(1) == 'emulator_urls':
            return emulator.url(match.group(2))
        if match.group(1) == 'emulator_demo':
            return str(DEMO[match.group(2)])
        return PASSWORD
    return TEMPLATE.sub(fill, value)


def run_in_process(runner, emulator, case_list, texts):
    """[(case id, held?, what happened)] for every module case, each run on its own with its requests counted;
    every result is added to texts (label, text) for the secret scan."""
    verdicts = []
    for case in case_list:
        if case.kind != 'module':
            continue
        defaults = resolve(DEFAULTS.get(group_of(case.target), {}), emulator)
        result = runner.task(case.target, resolve(case.args, emulator), check=case.check_mode, defaults=defaults,
                             log=True)
        texts.append(('bad input in process: %s' % case.id, json.dumps(result.data)))
        verdicts.append((case.id,) + judge_one(case, result.data, result.requests_log))
    return verdicts


def judge_one(case, data, requests):
    """(held?, what happened) of one module case from its result and the requests the emulator saw."""
    msg = str(data.get('msg', ''))
    made = [r for r in requests if not case.reads or r['method'] != 'GET' and not r['path'].endswith(TOKEN_PATHS)]
    problems = []
    if not data.get('failed'):
        problems.append('accepted (changed=%s)' % data.get('changed'))
    if made:
        problems.append('%d request(s) before the failure: %s' % (len(made), ', '.join(
            '%s %s %s' % (r['host'], r['method'], r['path']) for r in made[:3])))
    if 'MODULE FAILURE' in msg or 'Traceback' in msg or unhandled_exceptions(
            '%s\n%s' % (data.get('exception', ''), data.get('module_stderr', ''))):
        problems.append('unhandled exception: %s' % msg[:160])
    missing = [word for word in case.expect if word.lower() not in msg.lower()]
    if data.get('failed') and missing:
        problems.append('message lacks %s: %s' % (missing, msg[:160]))
    if PASSWORD in json.dumps(data):
        problems.append('the password shows in the result')
    problem = case.check() if case.check else None
    if problem:
        problems.append(problem)
    if problems:
        return False, '; '.join(problems)
    return True, '%d requests: %s' % (len(requests), msg[:100])


TOKEN_PATHS = ('/oauth2/apitoken/v1', '/oauth2/api/v1/token', '/oauth2/token', '/oauth/token')


def task_name(index, case_id):
    return 'bad %03d %s' % (index, re.sub(r'\s+', ' ', case_id))


def playbook(case_list):
    """One play: each case as a task (a block for a role), connection defaults from the emulator's vars."""
    tasks = []
    for index, case in enumerate(case_list):
        name = task_name(index, case.id)
        if case.kind == 'module':
            task = {'name': name, case.target: case.args, 'ignore_errors': True}
            if case.check_mode:
                task['check_mode'] = True
            tasks.append(task)
        elif case.kind == 'lookup':
            options = ', '.join('%s=%r' % (k, v) for k, v in sorted(case.args.items()) if k != 'term')
            call = "lookup('sapcloud.identity.s4_password', %r%s)" % (
                case.args['term'], ', ' + options if options else '')
            tasks.append({'name': name, 'ansible.builtin.set_fact': {'bad_password': '{{ %s }}' % call},
                          'no_log': False, 'ignore_errors': True})
        else:
            tasks.append({'name': 'role case %03d' % index, 'block': [
                {'name': 'include ' + case.target,
                 'ansible.builtin.include_role': {'name': 'sapcloud.identity.' + case.target}, 'vars': case.args},
                {'name': name + ' NOT REJECTED', 'ansible.builtin.debug': {'msg': 'the role accepted the input'}}],
                'rescue': [{'name': name, 'ansible.builtin.debug': {'msg': '{{ ansible_failed_result.msg }}'}}]})
    defaults = dict(('group/sapcloud.identity.' + group, values) for group, values in DEFAULTS.items()
                    if group != 'ips')
    defaults[S4 + 'ips_proxy_system'] = DEFAULTS['ips']
    defaults[S4 + 'ips_proxy_system_info'] = DEFAULTS['ips']
    return [{'hosts': 'localhost', 'gather_facts': False, 'connection': 'local',
             'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
             'module_defaults': defaults, 'tasks': tasks}]


def judge_playbook(case_list, run):
    """[(case id, held?, what happened)] from the task results of the playbook (every case must fail cleanly;
    the requests are judged for the run as a whole by the caller)."""
    verdicts = []
    by_name = {}
    for result in run.results:
        by_name.setdefault(result['task'], []).append(result)
    for index, case in enumerate(case_list):
        name = task_name(index, case.id)
        if by_name.get(name + ' NOT REJECTED'):
            verdicts.append((case.id, False, 'accepted'))
            continue
        entries = by_name.get(name)
        if not entries:
            verdicts.append((case.id, False, 'no result'))
            continue
        data = entries[-1]['result']
        msg = str(data.get('msg', ''))
        failed = entries[-1]['failed'] or case.kind == 'role'
        missing = [word for word in case.expect if word.lower() not in msg.lower()]
        if not failed:
            verdicts.append((case.id, False, 'accepted'))
        elif 'MODULE FAILURE' in msg or unhandled_exceptions(
                '%s\n%s' % (data.get('exception', ''), data.get('module_stderr', ''))):
            verdicts.append((case.id, False, 'unhandled exception: %s' % msg[:160]))
        elif missing:
            verdicts.append((case.id, False, 'message lacks %s: %s' % (missing, msg[:200])))
        else:
            verdicts.append((case.id, True, msg[:120]))
    return verdicts
