# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Java .properties documents (the format of Neo destinations): escaping as java.util.Properties.store writes it,
and parsing with comments, continuation lines, escapes and the = : or blank separators."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re


def properties_escape(text, key=False):
    """Java .properties escaping (as Properties.store writes it), non-Latin-1 characters as \\uXXXX."""
    out = []
    for index, char in enumerate(text):
        if char == '\\':
            out.append('\\\\')
        elif char in '=:#!':
            out.append('\\' + char)
        elif char == ' ' and (key or index == 0):
            out.append('\\ ')
        elif char in '\t\n\r\f':
            out.append({'\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f'}[char])
        elif ord(char) < 0x20 or ord(char) > 0x7e:
            out.append(''.join('\\u%04x' % unit for unit in _utf16_units(char)))
        else:
            out.append(char)
    return ''.join(out)


def _utf16_units(char):
    code = ord(char)
    if code <= 0xffff:
        return [code]
    code -= 0x10000
    return [0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff)]


def properties_dump(values):
    return ''.join('%s=%s\n' % (properties_escape(k, key=True), properties_escape(v))
                   for k, v in sorted(values.items()))


def properties_load(text):
    """Parse a Java .properties document (comments, continuation lines, escapes, = : or blank separators)."""
    values = {}
    logical = []
    for raw in text.splitlines():
        line = raw.lstrip(' \t\f')
        if not logical and (not line or line[0] in '#!'):
            continue
        trailing = len(line) - len(line.rstrip('\\'))
        if trailing % 2:
            logical.append(line[:-1])
            continue
        logical.append(line)
        _properties_entry(''.join(logical), values)
        logical = []
    if logical:
        _properties_entry(''.join(logical), values)
    return values


def _properties_entry(line, values):
    key, index = _properties_token(line, 0, separators=True)
    while index < len(line) and line[index] in ' \t\f':
        index += 1
    if index < len(line) and line[index] in '=:':
        index += 1
        while index < len(line) and line[index] in ' \t\f':
            index += 1
    values[key] = _properties_token(line, index, separators=False)[0]


def _properties_token(line, index, separators):
    out = []
    while index < len(line):
        char = line[index]
        if separators and char in '=: \t\f':
            break
        if char == '\\' and index + 1 < len(line):
            nxt = line[index + 1]
            if nxt == 'u' and re.match(r'[0-9a-fA-F]{4}', line[index + 2:index + 6]):
                out.append(chr(int(line[index + 2:index + 6], 16)))
                index += 6
                continue
            out.append({'t': '\t', 'n': '\n', 'r': '\r', 'f': '\f'}.get(nxt, nxt))
            index += 2
            continue
        out.append(char)
        index += 1
    text = ''.join(out)
    # Join UTF-16 surrogate pairs written as two \\u escapes.
    text = re.sub(u'[\ud800-\udbff][\udc00-\udfff]',
                  lambda m: chr(0x10000 + ((ord(m.group(0)[0]) - 0xd800) << 10) + ord(m.group(0)[1]) - 0xdc00), text)
    return text, index
