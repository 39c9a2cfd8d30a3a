# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an OData V4 service's $metadata (CSDL XML): entity sets, their properties, keys, navigations, facets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from xml.etree import ElementTree

EDM = '{http://docs.oasis-open.org/odata/ns/edm}'
CONCURRENCY_TERMS = ('Org.OData.Core.V1.OptimisticConcurrency', 'Core.OptimisticConcurrency')


class MetadataError(Exception):
    """The document is not CSDL XML."""


def _max_length(value):
    try:
        return int(value) if value not in (None, 'max') else None
    except ValueError:
        return None


def parse(text):
    """{entity set: {'type', 'keys', 'properties': {name: {'type', 'max_length'}}, 'navigations': {name: target
    entity type name}, 'concurrency': bool}} of every entity set the document declares."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        raise MetadataError('not CSDL XML (%s)' % exc)
    types = {}
    annotated = set()
    for schema in root.iter(EDM + 'Schema'):
        namespace = schema.get('Namespace', '')
        alias = schema.get('Alias')
        for entity_type in schema.iter(EDM + 'EntityType'):
            info = {'keys': [ref.get('Name') for ref in entity_type.iter(EDM + 'PropertyRef')],
                    'properties': dict((p.get('Name'), {'type': p.get('Type'), 'max_length': _max_length(p.get('MaxLength'))})
                                       for p in entity_type.findall(EDM + 'Property')),
                    'navigations': dict((n.get('Name'), _bare_type(n.get('Type')))
                                        for n in entity_type.findall(EDM + 'NavigationProperty'))}
            for prefix in filter(None, (namespace, alias)):
                types['%s.%s' % (prefix, entity_type.get('Name'))] = info
        # Out-of-line annotations: <Annotations Target="ns.Container/SetName"><Annotation Term="Core.Optimistic...">
        for block in schema.iter(EDM + 'Annotations'):
            if any(a.get('Term') in CONCURRENCY_TERMS for a in block.findall(EDM + 'Annotation')):
                annotated.add(block.get('Target', '').split('/')[-1])
    sets = {}
    for entity_set in root.iter(EDM + 'EntitySet'):
        name = entity_set.get('Name')
        info = types.get(entity_set.get('EntityType'), {'keys': [], 'properties': {}, 'navigations': {}})
        inline = any(a.get('Term') in CONCURRENCY_TERMS for a in entity_set.findall(EDM + 'Annotation'))
        sets[name] = dict(info, type=_bare_type(entity_set.get('EntityType')), concurrency=inline or name in annotated)
    if not sets:
        raise MetadataError('no entity set declared')
    types_by_name = dict((full.split('.')[-1], info) for full, info in types.items())
    return sets, types_by_name


def _bare_type(name):
    """'Collection(ns.Type)' or 'ns.Type' -> 'Type'."""
    name = name or ''
    if name.startswith('Collection(') and name.endswith(')'):
        name = name[len('Collection('):-1]
    return name.split('.')[-1]
