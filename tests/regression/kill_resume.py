#!/usr/bin/python3
"""Kill-and-resume harness, run by ctest (regression.kill-resume).

A small 2D Cahn-Hilliard run on 2 MPI ranks (checkpoint after every step) is
killed with SIGKILL at random moments, some of them chosen while a checkpoint
generation is being written (a checkpoint-NNNNNN.tmp folder exists), and
continued with --resume (or started anew while no complete checkpoint exists)
until it finishes. Then its time series and its final fields must equal
those of an uninterrupted run: every column but wall_time_s to 1e-12
relative, the fields (written in single precision) to one float32 unit in
the last place. Resuming must never fail, and no kill may lose more than the
step being taken. With --format hdf5 the fields are written as .h5 files
listed in fields.xdmf, which must then equal the uninterrupted run's. Usage:
    kill_resume.py --vitrum build/vitrum --source <repo> [--kills 20] [--seed 15]
                   [--format vtu|hdf5]
"""
import argparse
import base64
import csv
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ARGS = None


def mpirun():
    cmd = ["mpirun", "-np", "2"]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    if (os.cpu_count() or 1) < 2:
        cmd.append("--oversubscribe")
    return cmd


ENV = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def write_case(directory):
    with open(os.path.join(ARGS.source, "tests/regression/spinodal_small.prm")) as f:
        text = f.read()
    text += (f"\nsubsection Output\n set Directory = {directory}/out\n set Output times = 5, 15\n"
             f" set Progress every = 0\n set Format = {ARGS.format}\nend\n"
             "subsection Time stepping\n set End time = 20\n set Maximum number of steps = 0\nend\n"
             "subsection Checkpointing\n set Every = 1\nend\n")
    path = os.path.join(directory, "case.prm")
    with open(path, "w") as f:
        f.write(text)
    return path


def has_complete_checkpoint(out):
    return os.path.isdir(out) and any(re.fullmatch(r"checkpoint-\d+", n) for n in os.listdir(out))


def writing_checkpoint(out):
    return os.path.isdir(out) and any(re.fullmatch(r"checkpoint-\d+\.tmp", n) for n in os.listdir(out))


def start(prm, resume):
    args = mpirun() + [ARGS.vitrum] + (["--resume"] if resume else []) + [prm]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=ENV, start_new_session=True)


def kill(process):
    """SIGKILL mpirun and its ranks (the whole session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()
    # Ranks that outlive mpirun for a moment must not write into the next run.
    for _ in range(200):
        alive = subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True).stdout.strip()
        if not alive:
            return
        time.sleep(0.01)


def read_series(out):
    with open(os.path.join(out, "time_series.csv")) as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]


def vtu_arrays(path):
    """The DataArrays of a deal.II .vtu (zlib-compressed, base64)."""
    with open(path) as f:
        text = f.read()
    arrays = {}
    for match in re.finditer(r'<DataArray ([^>]*)format="binary">\s*([^<]*)<', text):
        attributes, data = match.group(1), match.group(2).strip()
        kind = re.search(r'type="(\w+)"', attributes).group(1)
        named = re.search(r'Name="([^"]*)"', attributes)
        name = named.group(1) if named else f"array{len(arrays)}"
        n_blocks = struct.unpack("<I", base64.b64decode(data[:8])[:4])[0]
        header_chars = 4 * -(-(4 * (3 + n_blocks)) // 3)
        header = struct.unpack(f"<{3 + n_blocks}I", base64.b64decode(data[:header_chars]))
        raw = base64.b64decode(data[header_chars:])
        blob, offset = b"", 0
        for size in header[3:]:
            blob += zlib.decompress(raw[offset:offset + size])
            offset += size
        code = {"Float32": "f", "Float64": "d", "Int32": "i", "UInt8": "B", "Int64": "q"}[kind]
        arrays[name] = struct.unpack(f"<{len(blob) // struct.calcsize(code)}{code}", blob)
    return arrays


def final_h5_fields(out):
    """The last .h5 snapshot of fields.xdmf as {point: (c, mu)}."""
    import h5py
    with open(os.path.join(out, "fields.xdmf")) as f:
        last = re.findall(r'([^\s>]+\.h5):/nodes', f.read())[-1]
    values = {}
    with h5py.File(os.path.join(out, last), "r") as f:
        for x, c, mu in zip(f["nodes"][()], f["c_nondim"][()].ravel(), f["mu_nondim"][()].ravel()):
            values[tuple(x)] = (c, mu)
    return last, values


def final_fields(out):
    """The last field output as {point: (c, mu)}: cells are written in the
    order of the mesh a run loaded, so points are matched by position."""
    if ARGS.format == "hdf5":
        return final_h5_fields(out)
    with open(os.path.join(out, "fields.pvd")) as f:
        last = re.findall(r'file="([^"]+)"', f.read())[-1]
    pieces = sorted(n for n in os.listdir(out) if n.startswith(last.replace(".pvtu", ".")) and n.endswith(".vtu"))
    values = {}
    for piece in pieces:
        arrays = vtu_arrays(os.path.join(out, piece))
        points = arrays["array0"]
        for i in range(len(points) // 3):
            values[points[3 * i:3 * i + 3]] = (arrays["c_nondim"][i], arrays["mu_nondim"][i])
    return last, values


def compare(reference, result):
    """Largest relative difference of the series and the fields."""
    a, b = read_series(reference), read_series(result)
    assert len(a) == len(b), f"{len(b)} rows instead of {len(a)}"
    worst = 0.0
    for ra, rb in zip(a, b):
        for k in ra:
            if k != "wall_time_s":
                worst = max(worst, abs(ra[k] - rb[k]) / max(abs(ra[k]), 1e-300) if ra[k] else abs(rb[k]))
    if ARGS.format == "hdf5":
        with open(os.path.join(reference, "fields.xdmf")) as fx, \
                open(os.path.join(result, "fields.xdmf")) as fy:
            assert fx.read() == fy.read(), "fields.xdmf differs from the uninterrupted run's"
    name_a, fa = final_fields(reference)
    name_b, fb = final_fields(result)
    assert name_a == name_b, f"final fields {name_b} instead of {name_a}"
    assert fa.keys() == fb.keys(), "the final meshes differ"
    # Single precision: one unit in the last place of the field's size.
    scale = [max(abs(v[k]) for v in fa.values()) * 2 ** -23 for k in (0, 1)]
    ulps = max(abs(fa[p][k] - fb[p][k]) / scale[k] for p in fa for k in (0, 1))
    return worst, ulps


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vitrum", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--format", choices=("vtu", "hdf5"), default="vtu")
    ARGS = parser.parse_args()
    rng = random.Random(ARGS.seed)
    tmp = tempfile.mkdtemp(prefix="vitrum_kill_resume_")

    reference = os.path.join(tmp, "reference")
    os.makedirs(reference)
    t0 = time.time()
    done = subprocess.run(mpirun() + [ARGS.vitrum, write_case(reference)], capture_output=True,
                          text=True, env=ENV)
    duration = time.time() - t0
    assert done.returncode == 0, done.stdout + done.stderr
    print(f"uninterrupted run: {len(read_series(reference + '/out')) - 1} steps in {duration:.1f} s")

    n_steps = len(read_series(os.path.join(reference, "out"))) - 1
    kills = during_writes = episodes = resumes = 0
    failures = []
    while kills < ARGS.kills and not failures:
        episodes += 1
        directory = os.path.join(tmp, f"episode{episodes}")
        os.makedirs(directory)
        prm, out = write_case(directory), os.path.join(directory, "out")
        killed_here = 0
        while True:
            resume = has_complete_checkpoint(out)
            resumes += resume
            process = start(prm, resume)
            if kills < ARGS.kills and killed_here < 5:
                # A random moment: once the series has reached a random
                # step, a random fraction of a step later; every third kill
                # instead while a checkpoint generation is being written.
                at_write = kills % 3 == 2
                target = rng.randint(1, n_steps)
                while process.poll() is None:
                    if at_write and writing_checkpoint(out):
                        break
                    if not at_write and os.path.exists(os.path.join(out, "time_series.csv")) \
                            and len(read_series(out)) > target:
                        break
                    time.sleep(0.0005)
                time.sleep(rng.uniform(0, 0.004 if at_write else 0.1))
            else:
                process.wait()
            if process.poll() is None:
                in_write = writing_checkpoint(out)
                kill(process)
                kills += 1
                killed_here += 1
                during_writes += in_write
                steps = len(read_series(out)) - 1 if os.path.exists(os.path.join(out, "time_series.csv")) else 0
                print(f"kill {kills:2d} (episode {episodes}): "
                      f"{'during a checkpoint write' if in_write else 'during the run'}, "
                      f"{steps} of {n_steps} steps in the series")
                continue
            stdout, stderr = process.communicate()
            if process.returncode != 0:
                failures.append(f"episode {episodes}: {'--resume' if resume else 'fresh run'} exited "
                                f"{process.returncode}: {stderr.strip()[-400:]}")
                break
            worst, ulps = compare(os.path.join(reference, "out"), out)
            print(f"episode {episodes}: finished after {killed_here} kills; largest relative difference "
                  f"of the time series {worst:.2e}, of the final fields {ulps:.0f} float32 ulp")
            if worst > 1e-12 or ulps > 1:
                failures.append(f"episode {episodes}: differs from the uninterrupted run "
                                f"({worst:.2e} relative, {ulps:.0f} ulp)")
            break
    print(f"{kills} kills ({during_writes} during checkpoint writes), {resumes} resumes, "
          f"{episodes} episodes")
    if not failures and during_writes == 0:
        failures.append("no kill landed during a checkpoint write")
    if failures:
        sys.exit("FAILED: " + "\n".join(failures) + f"\n(kept {tmp})")
    shutil.rmtree(tmp, ignore_errors=True)
    print("kill-resume: passed")


if __name__ == "__main__":
    main()
