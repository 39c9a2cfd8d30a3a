#!/usr/bin/env python
"""Test-only stand-in for the awx CLI's credential_types commands (list --name, create, modify), keeping the types in
the JSON file $FAKE_AWX_STATE and appending every write to $FAKE_AWX_STATE.writes. Like the real API, create
refuses a name that exists."""

import argparse
import json
import os
import sys

import yaml


def value(text):
    if text.startswith('@'):
        with open(text[1:]) as handle:
            return yaml.safe_load(handle)
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('resource', choices=['credential_types'])
    parser.add_argument('action', choices=['list', 'create', 'modify'])
    parser.add_argument('id', nargs='?')
    for option in ('--name', '--kind', '--description', '--inputs', '--injectors', '-f'):
        parser.add_argument(option)
    args = parser.parse_args()
    path = os.environ['FAKE_AWX_STATE']
    types = json.load(open(path)) if os.path.exists(path) else []
    if args.action == 'list':
        results = [t for t in types if args.name is None or t['name'] == args.name]
        print(json.dumps({'count': len(results), 'results': results}))
        return 0
    with open(path + '.writes', 'a') as handle:
        handle.write(' '.join(sys.argv[1:3] + ([args.id] if args.id else [args.name])) + '\n')
    if args.action == 'create':
        if any(t['name'] == args.name for t in types):
            sys.stderr.write('Error: credential type with this Name and Kind already exists.\n')
            return 1
        types.append({'id': len(types) + 1, 'name': args.name, 'kind': args.kind, 'description': args.description,
                      'inputs': value(args.inputs), 'injectors': value(args.injectors)})
    else:
        current = next(t for t in types if str(t['id']) == args.id)
        current.update(description=args.description, inputs=value(args.inputs), injectors=value(args.injectors))
    with open(path, 'w') as handle:
        json.dump(types, handle)
    return 0


if __name__ == '__main__':
    sys.exit(main())
