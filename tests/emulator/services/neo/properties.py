"""Java .properties documents, as the Neo configuration service stores destinations (Properties.store's format)."""

import re
import time


def properties_text(values):
    """A .properties document as Java's Properties.store writes it (comment line, escaped keys and values)."""
    def esc(text, key):
        out = []
        for index, char in enumerate(text):
            if char in '\\=:#!':
                out.append('\\' + char)
            elif char == ' ' and (key or index == 0):
                out.append('\\ ')
            elif char in '\t\n\r\f':
                out.append({'\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f'}[char])
            elif ord(char) > 0xffff:  # Java strings are UTF-16: two \\u escapes for a character outside the BMP
                code = ord(char) - 0x10000
                out.append('\\u%04X\\u%04X' % (0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff)))
            elif ord(char) > 0x7e or ord(char) < 0x20:
                out.append('\\u%04X' % ord(char))
            else:
                out.append(char)
        return ''.join(out)
    lines = ['#%s' % time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())]
    lines += ['%s=%s' % (esc(k, True), esc(v, False)) for k, v in sorted(values.items())]
    return '\n'.join(lines) + '\n'


def parse_properties(text):
    """Just enough of the .properties format for what clients upload: key=value or key:value lines, escapes and
    continuation lines. Only leading blanks are dropped (as java.util.Properties does): a value keeps its trailing
    spaces."""
    values = {}
    pending = ''
    for raw in text.splitlines():
        line = raw.lstrip(' \t\f')
        if not pending and (not line or line[0] in '#!'):
            continue
        if (len(line) - len(line.rstrip('\\'))) % 2:
            pending += line[:-1]
            continue
        line, pending = pending + line, ''
        match = re.match(r'((?:\\.|[^=:\\\s])*)[ \t\f]*[=:]?[ \t\f]*(.*)$', line, re.S)
        key, value = (re.sub(r'\\u([0-9a-fA-F]{4})', lambda m: chr(int(m.group(1), 16)), g) for g in match.groups())
        unescape = {'t': '\t', 'n': '\n', 'r': '\r', 'f': '\f'}
        key, value = (re.sub(r'\\(.)', lambda m: unescape.get(m.group(1), m.group(1)), g, flags=re.S)
                      for g in (key, value))
        values[key] = join_surrogates(value)
    return values


def join_surrogates(text):
    """Characters outside the BMP arrive as two \\u escapes (UTF-16 units): one character again."""
    return re.sub('[\ud800-\udbff][\udc00-\udfff]', lambda m: chr(
        0x10000 + ((ord(m.group(0)[0]) - 0xd800) << 10) + ord(m.group(0)[1]) - 0xdc00), text)
