"""Read and change entries of a deal.II parameter file given as text.

An entry is named by its subsection path and name, e.g.
("Glass", "Diffusion"), "Ni". Only `set` lines are touched; comments and
layout stay as they are, so a changed material file still documents its
numbers.
"""
import re


def _entry_spans(text):
    """Yield (path, name, value_start, value_end) for every `set` line."""
    path = []
    offset = 0
    for line in text.splitlines(keepends=True):
        code = line.split("#", 1)[0]
        words = code.split()
        if words[:1] == ["subsection"]:
            path.append(" ".join(words[1:]))
        elif words == ["end"]:
            path.pop()
        else:
            match = re.match(r"\s*set\s+(.+?)\s*=\s*(.*?)\s*$", code)
            if match:
                yield (tuple(path), match.group(1), offset + match.start(2),
                       offset + match.end(2))
        offset += len(line)


def get(text, path, name):
    """The value of entry `name` in subsection `path` (a tuple)."""
    for p, n, start, end in _entry_spans(text):
        if p == tuple(path) and n == name:
            return text[start:end]
    raise KeyError("%s/%s is not set" % ("/".join(path), name))


def set_value(text, path, name, value):
    """The text with entry `name` of subsection `path` set to `value`."""
    for p, n, start, end in _entry_spans(text):
        if p == tuple(path) and n == name:
            return text[:start] + value + text[end:]
    raise KeyError("%s/%s is not set" % ("/".join(path), name))


def get_field(text, path, name, field):
    """Field `field` of a comma-separated value, as a float."""
    return float(get(text, path, name).split(",")[field])


def set_field(text, path, name, field, number):
    """The text with field `field` of a comma-separated value replaced."""
    fields = [f.strip() for f in get(text, path, name).split(",")]
    fields[field] = "%.6g" % number
    return set_value(text, path, name, ", ".join(fields))
