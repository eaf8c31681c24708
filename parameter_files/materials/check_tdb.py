#!/usr/bin/python3
"""Consistency check of a TDB file in the dialect vitrum reads.

Usage: /usr/bin/python3 check_tdb.py [file.tdb]   (default: CrCoNi-TiZrNbHf.tdb
next to this script).  Needs numpy only.

Checks
  * the file splits into commands, each terminated by '!' (text after the
    last '!' that is not a comment is an error);
  * every command keyword is one of the supported ones;
  * every FUNCTION referenced (NAME#) in a FUNCTION or PARAMETER is defined;
  * every element and phase used in a PARAMETER is declared, the number of
    sublattices matches the PHASE, and each species is a constituent of its
    sublattice;
  * every end member of every phase has a G parameter (a missing one would
    silently default to G = 0);
  * every reference code after 'N' is listed in LIST_OF_REFERENCES;
  * all functions and parameters evaluate to finite numbers at a few
    temperatures inside their ranges (piecewise T ranges, Y/N markers).
Prints the phases, the number of parameters per phase, and per element
pair (and ternary).  Exit status 1 if an error was found.
"""
import itertools
import math
import os
import re
import sys

import numpy as np

KEYWORDS = ('ELEMENT', 'FUNCTION', 'TYPE_DEFINITION', 'PHASE', 'CONSTITUENT',
            'PARAMETER', 'TEMP_LIM', 'DEFINE_SYSTEM_DEFAULT', 'DEFAULT_COMMAND',
            'LIST_OF_REFERENCES')
PARAM_TYPES = ('G', 'L', 'TC', 'BMAGN')

errors = []


def err(msg):
    errors.append(msg)
    print('ERROR:', msg)


def commands(text):
    """Split into (line number, command) pairs; '$' starts a comment line."""
    out, cur, start = [], [], None
    for n, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith('$'):
            continue
        first = line.split()[0].upper() if line.split() else ''
        if cur and ' '.join(cur).strip() and first in KEYWORDS:
            err('line %d: command from line %s is not terminated by "!" '
                'before the next %s' % (n, start, first))
        while line:
            if '!' in line:
                head, line = line.split('!', 1)
                cur.append(head)
                cmd = ' '.join(' '.join(cur).split())
                if cmd:
                    out.append((start or n, cmd))
                cur, start = [], None
            else:
                if line.strip():
                    cur.append(line)
                    start = start or n
                line = ''
    if ' '.join(cur).strip():
        err('text after the last "!" (unterminated command from line %s): %.60s'
            % (start, ' '.join(cur).strip()))
    return out


def keyword(cmd):
    word = cmd.split()[0].upper()
    for k in KEYWORDS:
        # Thermo-Calc allows abbreviations of the keyword
        if k.startswith(word) or word.startswith(k):
            return k
    return None


def parse_piecewise(body):
    """'T0 expr; T1 Y expr; T2 N [ref]' -> (T0, [(Tmax, expr), ...])."""
    m = re.match(r'\s*([-+0-9.Ee]+)\s+(.*)$', body)
    if not m:
        raise ValueError('no lower temperature limit')
    t0, rest = float(m.group(1)), m.group(2)
    parts = rest.split(';')
    expr, segs, ref = parts[0], [], None
    for p in parts[1:]:
        mm = re.match(r'\s*([-+0-9.Ee]+)\s+([YN])\s*(.*)$', p.strip())
        if not mm:
            raise ValueError('bad range "%s"' % p.strip())
        segs.append((float(mm.group(1)), expr))
        if mm.group(2) == 'N':
            ref = mm.group(3).strip() or None
            break
        expr = mm.group(3)
    else:
        raise ValueError('piecewise expression not closed by N')
    return t0, segs, ref


NAME = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)(#?)')


def referenced_functions(expr):
    names = set()
    for m in NAME.finditer(expr):
        n = m.group(1).upper()
        if n not in ('T', 'P', 'LN', 'LOG', 'EXP') and not re.fullmatch(r'E\d*', n):
            names.add(n)
    return names


def to_python(expr):
    e = expr.replace('**', '^')
    out, i = [], 0
    for m in NAME.finditer(e):
        out.append(e[i:m.start()])
        n = m.group(1).upper()
        prev = e[m.start() - 1] if m.start() > 0 else ''
        if prev.isdigit() or prev == '.':       # exponent of a float, e.g. 1.2E+30
            out.append(m.group(0))
        elif n == 'T':
            out.append('T')
        elif n in ('LN', 'LOG'):
            out.append('np.log')
        elif n == 'EXP':
            out.append('np.exp')
        else:
            out.append('FN["%s"](T)' % n)
        i = m.end()
    out.append(e[i:])
    return ''.join(out).replace('^', '**')


def main(path):
    text = open(path, encoding='ascii').read()
    cmds = commands(text)
    elements, functions, phases, refs = {}, {}, {}, set()
    params = []
    for line, cmd in cmds:
        k = keyword(cmd)
        if k is None:
            err('line %d: unknown command "%s"' % (line, cmd.split()[0]))
            continue
        w = cmd.split()
        if k == 'ELEMENT':
            elements[w[1].upper()] = line
        elif k == 'FUNCTION':
            try:
                functions[w[1].upper()] = (line, parse_piecewise(cmd.split(None, 2)[2]))
            except (ValueError, IndexError) as e:
                err('line %d: FUNCTION %s: %s' % (line, w[1], e))
        elif k == 'PHASE':
            name = w[1].upper().split(':')[0]
            nsub = int(w[3])
            sites = [float(s) for s in w[4:4 + nsub]]
            if len(sites) != nsub:
                err('line %d: PHASE %s: %d site numbers for %d sublattices'
                    % (line, name, len(sites), nsub))
            phases[name] = {'line': line, 'sites': sites, 'cons': None}
        elif k == 'CONSTITUENT':
            name = w[1].upper().split(':')[0]
            body = cmd.split(None, 2)[2].strip()
            subs = [s.strip() for s in body.strip(':').split(':')]
            cons = [[c.strip().upper().rstrip('%') for c in s.split(',') if c.strip()]
                    for s in subs]
            if name not in phases:
                err('line %d: CONSTITUENT of undeclared phase %s' % (line, name))
                continue
            if len(cons) != len(phases[name]['sites']):
                err('line %d: CONSTITUENT %s has %d sublattices, PHASE has %d'
                    % (line, name, len(cons), len(phases[name]['sites'])))
            phases[name]['cons'] = cons
        elif k == 'PARAMETER':
            m = re.match(r'\S+\s+(\w+)\(([^,]+),([^;]+);(\d+)\)\s+(.*)$', cmd)
            if not m:
                err('line %d: cannot parse parameter "%.60s"' % (line, cmd))
                continue
            try:
                pw = parse_piecewise(m.group(5))
            except ValueError as e:
                err('line %d: %s' % (line, e))
                continue
            params.append({'line': line, 'type': m.group(1).upper(),
                           'phase': m.group(2).upper(), 'cons': m.group(3).upper(),
                           'order': int(m.group(4)), 'pw': pw})
        elif k == 'LIST_OF_REFERENCES':
            for mm in re.finditer(r"(\S+)\s+'[^']*'", cmd):
                refs.add(mm.group(1).upper())

    # functions referenced
    for name, (line, (t0, segs, ref)) in functions.items():
        for _, e in segs:
            for f in referenced_functions(e):
                if f not in functions:
                    err('line %d: FUNCTION %s uses undefined %s' % (line, name, f))
    # parameters
    endmembers = {}
    for p in params:
        if p['type'] not in PARAM_TYPES:
            err('line %d: parameter type %s not supported' % (p['line'], p['type']))
        ph = phases.get(p['phase'])
        if ph is None:
            err('line %d: phase %s not declared' % (p['line'], p['phase']))
            continue
        subs = [[s.strip() for s in sub.split(',')] for sub in p['cons'].split(':')]
        if len(subs) != len(ph['sites']):
            err('line %d: %s(%s): %d sublattices, phase has %d'
                % (p['line'], p['type'], p['cons'], len(subs), len(ph['sites'])))
            continue
        for i, sub in enumerate(subs):
            for s in sub:
                if s != '*' and s not in elements:
                    err('line %d: species %s not declared as ELEMENT' % (p['line'], s))
                elif s != '*' and ph['cons'] and s not in ph['cons'][i]:
                    err('line %d: %s not a constituent of sublattice %d of %s'
                        % (p['line'], s, i + 1, p['phase']))
        if p['type'] == 'G' and all(len(s) == 1 for s in subs):
            endmembers.setdefault(p['phase'], set()).add(tuple(s[0] for s in subs))
        if p['type'] == 'L' and all(len(s) == 1 for s in subs):
            err('line %d: L parameter on an end member %s' % (p['line'], p['cons']))
        for _, e in p['pw'][1]:
            for f in referenced_functions(e):
                if f not in functions:
                    err('line %d: parameter uses undefined FUNCTION %s' % (p['line'], f))
        ref = p['pw'][2]
        if ref is None:
            print('note: line %d: no reference code' % p['line'])
        elif ref.upper() not in refs:
            err('line %d: reference %s not in LIST_OF_REFERENCES' % (p['line'], ref))
    for name, ph in phases.items():
        if ph['cons'] is None:
            err('phase %s has no CONSTITUENT command' % name)
            continue
        for em in itertools.product(*ph['cons']):
            if em not in endmembers.get(name, set()):
                err('phase %s: end member %s has no G parameter' % (name, ':'.join(em)))

    # numerical evaluation
    FN = {}

    def make(pw):
        t0, segs, _ = pw
        code = [(tmax, compile(to_python(e), 'tdb', 'eval')) for tmax, e in segs]

        def f(T):
            for tmax, co in code:
                if T <= tmax + 1e-9:
                    return eval(co, {'np': np, 'FN': FN, 'T': T, 'math': math})
            raise ValueError('T = %g above the upper limit %g' % (T, code[-1][0]))
        return f
    for name, (line, pw) in functions.items():
        try:
            FN[name] = make(pw)
        except SyntaxError as e:
            err('line %d: FUNCTION %s does not parse: %s' % (line, name, e))
    temps = (298.15, 623.0, 773.0, 1500.0, 2900.0)
    for name, (line, pw) in functions.items():
        for T in temps:
            try:
                v = FN[name](T)
                if not np.isfinite(v):
                    err('FUNCTION %s not finite at %g K' % (name, T))
            except ValueError:
                pass
            except (KeyError, SyntaxError, ZeroDivisionError, NameError) as e:
                err('FUNCTION %s at %g K: %s' % (name, T, e))
    for p in params:
        try:
            f = make(p['pw'])
            for T in temps:
                try:
                    if not np.isfinite(f(T)):
                        err('line %d: parameter not finite at %g K' % (p['line'], T))
                except ValueError:
                    pass
        except (KeyError, SyntaxError, NameError) as e:
            err('line %d: parameter does not evaluate: %s' % (p['line'], e))

    # SER check: G(SER phase) of each element equals GHSERxx
    ser = {'CO': 'HCP_A3', 'CR': 'BCC_A2', 'HF': 'HCP_A3', 'NB': 'BCC_A2',
           'NI': 'FCC_A1', 'TI': 'HCP_A3', 'ZR': 'HCP_A3'}
    for el, ph in ser.items():
        for p in params:
            if p['type'] == 'G' and p['phase'] == ph and p['cons'] == el + ':VA':
                g = make(p['pw'])(623.0)
                if 'GHSER' + el in FN and abs(g - FN['GHSER' + el](623.0)) > 1e-6:
                    err('G(%s,%s) differs from GHSER%s' % (ph, el, el))

    # report
    print('file: %s' % path)
    print('%d commands, %d elements, %d functions, %d phases, %d parameters, %d references'
          % (len(cmds), len([e for e in elements if e not in ('VA', '/-')]),
             len(functions), len(phases), len(params), len(refs)))
    print('\nphases (sites; constituents; parameters):')
    for name, ph in phases.items():
        n = sum(1 for p in params if p['phase'] == name)
        cons = ' : '.join(','.join(c) for c in (ph['cons'] or []))
        print('  %-12s %-14s %-40s %3d' % (name, ' '.join('%g' % s for s in ph['sites']), cons, n))
    per = {}
    for p in params:
        species = sorted({s for s in re.split('[,:]', p['cons']) if s not in ('VA', '*')})
        if len(species) < 2:
            continue
        key = '-'.join(species)
        d = per.setdefault(key, {})
        d[p['phase']] = d.get(p['phase'], 0) + 1
    print('\nparameters per pair / ternary (phase: count):')
    for key in sorted(per, key=lambda k: (k.count('-'), k)):
        d = per[key]
        est = sum(1 for p in params if p['pw'][2] == 'EST' and
                  '-'.join(sorted({s for s in re.split('[,:]', p['cons'])
                                   if s not in ('VA', '*')})) == key)
        print('  %-10s %3d (%d ESTIMATE)  %s' % (key, sum(d.values()), est,
              ', '.join('%s:%d' % kv for kv in sorted(d.items()))))
    print('\n%d error(s)' % len(errors))
    return 1 if errors else 0


if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else
                  os.path.join(here, 'CrCoNi-TiZrNbHf.tdb')))
