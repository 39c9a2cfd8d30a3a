"""The settings check's second half: the roles' inputs against the roles' own argument specs
(plugins/filter/role_inputs.py), naming the inventory variable a refused value came from, never a secret."""

from ansible_collections.sapcloud.identity.plugins.filter.role_inputs import (
    entry_points, role_input_problems)

GOOD = {'chain_check_proxy_url': 'https://p', 'chain_check_client_id': 'c', 'chain_check_client_secret': 's',
        'chain_check_system_id': '', 'chain_check_certificate_expiry_days': 30}


def chain_check_problems(values, variables=None):
    return [p for p in role_input_problems(values, variables, 'h1') if 'role chain_check' in p]


def test_the_plan_checks_the_inputs_it_derives(monkeypatch):
    from test_integration_plan import plan
    assert plan()['problems'] == [] and plan()['inputs']['chain_check_certificate_expiry_days'] == 30
    problems = plan(sapcloud_certificate_expiry_days='soon')['problems']
    assert len(problems) == 1 and 'role chain_check (main)' in problems[0], problems
    assert problems[0].endswith('The value comes from sapcloud_certificate_expiry_days.')
    # A profile the inventory got wrong: the plan does not stumble, the role's spec names the problem.
    problems = plan(sapcloud_profiles={'guide': {'scenarios': 'SAP_COM_0093'}})['problems']
    assert any('s4_communication_scenarios' in p and 'derived' in p for p in problems), problems


def test_every_role_entry_point_is_read_from_its_argument_spec():
    checked = set((role, entry) for role, entry, _spec in entry_points())
    assert ('s4_communication', 'main') in checked and ('s4_communication', 'active_user') in checked
    assert ('summary', 'main') in checked and ('s4_communication', 'absent') not in checked


def test_good_inputs_pass_and_undefined_ones_are_left_to_the_role_defaults():
    assert chain_check_problems(dict(GOOD, chain_check_write_user=None)) == []


def test_a_refused_value_names_its_inventory_variable():
    problems = chain_check_problems(dict(GOOD, chain_check_certificate_expiry_days='soon'),
                                    {'sapcloud_certificate_expiry_days': 'soon', 'sapcloud_other': 'x'})
    assert len(problems) == 1
    assert problems[0].startswith("Settings of h1: role chain_check (main): argument "
                                  "'chain_check_certificate_expiry_days'")
    assert problems[0].endswith('The value comes from sapcloud_certificate_expiry_days.')


def test_an_input_left_out_is_given_later_and_a_derived_value_is_named_so():
    values = dict(GOOD)
    del values['chain_check_proxy_url']
    assert chain_check_problems(values) == []
    problems = chain_check_problems(dict(values, chain_check_certificate_expiry_days=[30]),
                                    {'sapcloud_certificate_expiry_days': 31})
    assert len(problems) == 1 and 'chain_check_certificate_expiry_days' in problems[0], problems
    assert 'derived from the sapcloud_* settings' in problems[0]


def test_secrets_never_show():
    secret = 'Very-Secret-Passw0rd'
    values = dict(GOOD, chain_check_s4_connection={'api_password': secret, 'api_url': 'https://x',
                                                   'unknown_key': secret})
    problems = chain_check_problems(values, {'sapcloud_s4_api_password': secret})
    assert problems and all(secret not in p for p in problems), problems
    assert 'unknown_key' in problems[0]


def test_role_defaults_are_the_defaults_their_argument_specs_declare():
    """ansible-core does not set an argument spec's defaults as variables, so a role keeps them in defaults/main.yml
    too; they must say the same."""
    import os
    import yaml
    from ansible_collections.sapcloud.identity.plugins.filter.role_inputs import ROLES, role_specs
    differ = []
    for role in sorted(os.listdir(ROLES)):
        path = os.path.join(ROLES, role, 'defaults', 'main.yml')
        if not role_specs(role) or not os.path.isfile(path):
            continue
        with open(path) as handle:
            defaults = yaml.safe_load(handle) or {}
        declared = {}
        for entry in role_specs(role).values():
            declared.update((k, o['default']) for k, o in (entry.get('options') or {}).items() if 'default' in o)
        differ += ['%s: %s (%r, spec %r)' % (role, k, defaults.get(k), v) for k, v in declared.items()
                   if k not in defaults or defaults[k] != v]
    assert differ == []


def test_steps_yml_forwards_exactly_the_inputs_the_plan_derives_and_each_is_a_role_option():
    import os
    import re
    import yaml
    from ansible_collections.sapcloud.identity.plugins.filter.role_inputs import role_specs
    from test_integration_plan import REPO, plan
    derived = set(plan()['inputs'])
    with open(os.path.join(REPO, 'playbooks', 'vars', 'steps.yml')) as handle:
        steps = yaml.safe_load(handle)
    forwarded = dict((name, re.match(r'^\{\{ integration_plan\.inputs\.(\w+) \}\}$', str(value)))
                     for name, value in steps.items())
    forwarded = dict((name, match.group(1)) for name, match in forwarded.items() if match)
    assert all(name == key for name, key in forwarded.items()), forwarded
    assert set(forwarded) == derived
    options = set(o for role in os.listdir(os.path.join(REPO, 'roles')) for entry in role_specs(role).values()
                  for o in entry.get('options') or {})
    assert derived - options == set()
