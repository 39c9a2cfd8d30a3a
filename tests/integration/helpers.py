"""Helpers every area of the integration tests uses: unique names, requests and writes counted by the emulator
around a run, bad-input cases run with either runner, and the check that no secret reaches the output.
"""

import base64
import uuid


def unique(prefix):
    """A name no other test (and no earlier session against the same emulator) uses."""
    return '%s_%s' % (prefix, uuid.uuid4().hex[:8].upper())


def measure(emulator, call, hosts=None):
    """(result, requests, writes) of one run on the given hosts (all when None), counted by the emulator."""
    emulator.reset_stats()
    result = call()
    stats = emulator.stats()['hosts']
    names = hosts or list(stats)
    return (result, sum(stats.get(h, {}).get('requests', 0) for h in names),
            sum(stats.get(h, {}).get('writes', 0) for h in names))


def failing_cases(runner, module, cases, defaults):
    """Run each args dict as its own case and return (run, results), each result shaped like a playbook task's
    ({'failed', 'changed', 'result'}). With the `ansible` fixture the cases are the tasks of one playbook (bad
    input costs no request, so one run is enough; run is that playbook's Run); with the in-process `module`
    fixture each case runs in turn (run is None)."""
    if not hasattr(runner, 'playbook'):
        results = [runner.task(module, args, defaults=defaults) for args in cases]
        return None, [{'task': 'case %d' % i, 'failed': r.failed, 'changed': r.changed, 'result': r.data}
                      for i, r in enumerate(results)]
    tasks = [{'name': 'case %d' % i, module: args, 'ignore_errors': True} for i, args in enumerate(cases)]
    run = runner.playbook([{'hosts': 'localhost', 'gather_facts': False, 'module_defaults': {module: defaults},
                            'tasks': tasks}])
    return run, [run.task('case %d' % i) for i in range(len(cases))]


def path_count(emulator, host, key):
    """How often the emulator saw key ('METHOD /path') on host since the last stats reset."""
    return emulator.stats()['hosts'].get(host, {}).get('paths', {}).get(key, 0)


def assert_no_secret(text, *secrets, users=()):
    """Neither a secret, nor its base64 form, nor a Basic header built from it with one of users appears in text."""
    for secret in secrets:
        assert secret not in text
        assert base64.b64encode(secret.encode()).decode() not in text
        for user in users:
            assert base64.b64encode(('%s:%s' % (user, secret)).encode()).decode() not in text
