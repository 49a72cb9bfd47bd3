"""`python -m minitf.run`: TF 1.x scripts run unchanged; tf.app, tf.flags, tf.gfile, tf.compat."""
import os
import subprocess
import sys
import textwrap
import types

import pytest

import minitf as tf
from minitf import errors


def run_script(tmp_path, source, *args, env=None, name="script.py"):
    """Write ``source`` to tmp_path/name and run it through minitf.run from tmp_path."""
    script = tmp_path / name
    script.write_text(textwrap.dedent(source))
    full_env = dict(os.environ)
    full_env.pop("MINITF_TRACEBACK", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "minitf.run", name, *args], cwd=tmp_path,
                          env=full_env, capture_output=True, text=True, timeout=120)


def line_of(source, needle):
    """1-based line number of the first line of dedented ``source`` containing ``needle``."""
    lines = textwrap.dedent(source).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


TF1_SCRIPT = """\
    import sys
    import tensorflow as tf

    a = tf.placeholder(tf.float32, shape=[], name="a")
    b = tf.Variable(2.0, name="b")
    c = tf.constant(3.0, name="c")
    y = a + b * c
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("value", sess.run(y, feed_dict={a: float(sys.argv[1])}))
    print("argv", sys.argv)
    print("name", __name__, tf.__name__, tf.Session.__module__)
    print("file", __file__ == sys.argv[0] or __file__.endswith("/" + sys.argv[0]))
"""


def test_tf1_script_runs_with_argv_and_main(tmp_path):
    r = run_script(tmp_path, TF1_SCRIPT, "4", "--extra")
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "value %s" % (4.0 + 2.0 * 3.0)
    assert out[1] == "argv %s" % ["script.py", "4", "--extra"]
    assert out[2] == "name __main__ minitf minitf.framework.session"
    assert out[3] == "file True"
    assert r.stderr == ""


def test_script_directory_is_first_on_path(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "helper_mod.py").write_text("VALUE = 41\n")
    (tmp_path / "sub" / "main.py").write_text(
        "import helper_mod\nimport tensorflow as tf\n"
        "print(tf.Session(graph=tf.Graph()).graph is not None, helper_mod.VALUE + 1)\n")
    r = subprocess.run([sys.executable, "-m", "minitf.run", "sub/main.py"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["True", "42"]


def test_compat_v1_and_submodule_imports(tmp_path):
    r = run_script(tmp_path, """\
        import tensorflow.compat.v1 as tf
        import tensorflow as tf_top
        import tensorflow.gfile
        from tensorflow import compat
        from tensorflow.app import flags
        from tensorflow.compat.v1 import gfile as gf
        import tensorflow.compat.v1.errors as v1errors
        from tensorflow.contrib.layers import xavier_initializer
        print(tf is tf_top, compat.v1 is tf, flags is tf.app.flags, gf is tf.gfile,
              tensorflow.gfile is tf.gfile, v1errors is tf.errors,
              xavier_initializer is tf.contrib.layers.xavier_initializer)
        print(tf.__spec__.name, tf.gfile.__spec__.name)
        with tf.Session() as sess:
            print(sess.run(tf.constant(2) + 3))
    """)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["True True True True True True True", "minitf minitf.gfile",
                                     "5"]


def test_missing_module_gives_one_line(tmp_path):
    src = """\
        import numpy as np
        import tensorflow as tf

        from tensorflow.python.framework import ops
        print("not reached")
    """
    r = run_script(tmp_path, src)
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines == ["minitf.run: script.py:%d imports tensorflow.python.framework, which "
                     "minitf does not implement yet" % line_of(src, "tensorflow.python")]


def test_missing_name_in_from_import(tmp_path):
    src = """\
        from tensorflow import no_such_function
    """
    r = run_script(tmp_path, src)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "minitf.run: script.py:1 imports tensorflow.no_such_function, which minitf does not "
        "implement yet"]


def test_missing_attribute_gives_one_line(tmp_path):
    src = """\
        import tensorflow as tf

        x = tf.constant(1.0)
        y = tf.some_missing_name(x, 2)
    """
    r = run_script(tmp_path, src)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "minitf.run: script.py:%d uses tf.some_missing_name, which minitf does not implement "
        "yet" % line_of(src, "some_missing_name")]


def test_missing_nested_attribute_in_helper_module(tmp_path):
    (tmp_path / "model.py").write_text(textwrap.dedent("""\
        import tensorflow as tf


        def build():
            return tf.contrib.slim.fully_connected
    """))
    src = """\
        import model
        model.build()
    """
    r = run_script(tmp_path, src)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "minitf.run: model.py:5 uses tf.contrib.slim, which minitf does not implement yet"]


def test_missing_method_names_the_class(tmp_path):
    src = """\
        import tensorflow as tf

        sess = tf.Session()
        sess.no_such_method_xyz()
    """
    r = run_script(tmp_path, src)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "minitf.run: script.py:4 uses Session.no_such_method_xyz, which minitf does not "
        "implement yet"]


def test_not_implemented_inside_minitf_names_the_call():
    from minitf import run
    ns = {}
    fake_file = os.path.join(os.path.dirname(tf.__file__), "_fake_feature.py")
    exec(compile("def feature(x):\n    raise NotImplementedError('needs a kernel')\n",
                 fake_file, "exec"), ns)
    fake = types.SimpleNamespace(feature=ns["feature"])
    with pytest.raises(NotImplementedError) as info:
        fake.feature(1)
    line = run.explain_missing(info.value, info.value.__traceback__)
    here = os.path.relpath(__file__)
    assert line.startswith("minitf.run: %s:" % here)
    assert line.endswith(" uses fake.feature, which minitf does not implement yet "
                         "(needs a kernel)")


def test_missing_name_full_traceback_on_request(tmp_path):
    r = run_script(tmp_path, "import tensorflow as tf\ntf.some_missing_name\n",
                   env={"MINITF_TRACEBACK": "1"})
    assert r.returncode == 1
    assert r.stderr.startswith("Traceback (most recent call last):\n")
    assert "AttributeError: module 'minitf' has no attribute 'some_missing_name'" in r.stderr
    assert 'script.py", line 2' in r.stderr


def test_ordinary_errors_keep_their_traceback_from_the_script(tmp_path):
    src = """\
        import tensorflow as tf

        def f():
            return {}["missing key"]
        f()
    """
    r = run_script(tmp_path, src)
    assert r.returncode == 1
    assert r.stderr.startswith("Traceback (most recent call last):\n")
    first_frame = r.stderr.splitlines()[1]
    assert "script.py" in first_frame and "line 5" in first_frame  # no runner frames above
    assert "minitf/run.py" not in r.stderr and "runpy" not in r.stderr
    assert r.stderr.rstrip().endswith("KeyError: 'missing key'")


def test_unrelated_missing_module_is_an_ordinary_error(tmp_path):
    r = run_script(tmp_path, "import tensorflow as tf\nimport no_such_module_xyz\n")
    assert r.returncode == 1
    assert "Traceback" in r.stderr
    assert "ModuleNotFoundError: No module named 'no_such_module_xyz'" in r.stderr


def test_exit_status_and_usage(tmp_path):
    r = run_script(tmp_path, "import sys\nsys.exit(3)\n")
    assert (r.returncode, r.stderr) == (3, "")
    r = subprocess.run([sys.executable, "-m", "minitf.run"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and "usage: python -m minitf.run script.py" in r.stderr
    r = subprocess.run([sys.executable, "-m", "minitf.run", str(tmp_path / "nope.py")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "nope.py" in r.stderr


APP_SCRIPT = """\
    import tensorflow as tf

    flags = tf.app.flags
    flags.DEFINE_string("data_dir", "/tmp/data", "Where the data lives.")
    flags.DEFINE_integer("steps", 10, "Training steps.")
    flags.DEFINE_float("learning_rate", 0.5, "Step size.")
    flags.DEFINE_boolean("verbose", False, "Chatty output.")
    flags.DEFINE_boolean("shuffle", True, "Shuffle the data.")
    FLAGS = flags.FLAGS


    def main(argv):
        print(FLAGS.data_dir, FLAGS.steps, FLAGS.learning_rate, FLAGS.verbose, FLAGS.shuffle)
        print(argv)
        return 7


    if __name__ == "__main__":
        tf.app.run()
"""


def test_app_run_parses_flags_and_exits_with_main_result(tmp_path):
    r = run_script(tmp_path, APP_SCRIPT, "--steps=3", "pos1", "--learning_rate", "0.25",
                   "--verbose", "--noshuffle", "--unknown=1")
    assert r.returncode == 7, r.stderr
    assert r.stdout.splitlines() == ["/tmp/data 3 0.25 True False",
                                     str(["script.py", "pos1", "--unknown=1"])]


def test_app_run_defaults_and_bad_value(tmp_path):
    r = run_script(tmp_path, APP_SCRIPT)
    assert r.returncode == 7, r.stderr
    assert r.stdout.splitlines()[0] == "/tmp/data 10 0.5 False True"
    r = run_script(tmp_path, APP_SCRIPT, "--steps=many")
    assert r.returncode == 1
    assert "steps" in r.stderr and "Traceback" not in r.stderr


def test_flags_in_process():
    fv = tf.flags.FlagValues()
    tf.flags.DEFINE_string("name", "x", "a name", flag_values=fv)
    tf.flags.DEFINE_integer("n", 1, "a count", flag_values=fv)
    tf.flags.DEFINE_list("layers", "8,4", "sizes", flag_values=fv)
    tf.flags.DEFINE_enum("mode", "train", ["train", "eval"], "mode", flag_values=fv)
    tf.flags.DEFINE_bool("fast", False, "go fast", flag_values=fv)
    assert fv(["prog", "-n=5", "--name", "y", "--layers=1,2,3", "a", "--fast=false", "--",
               "--n=9"]) == ["prog", "a", "--n=9"]
    assert (fv.n, fv.name, fv.layers, fv.mode, fv.fast) == (5, "y", ["1", "2", "3"], "train",
                                                            False)
    assert fv.flag_values_dict()["n"] == 5
    fv.n = 6
    assert fv.n == 6
    with pytest.raises(tf.flags.UnrecognizedFlagError):
        fv(["prog", "--bogus=1"])
    with pytest.raises(tf.flags.IllegalFlagValueError):
        fv(["prog", "--mode=predict"])
    with pytest.raises(tf.flags.DuplicateFlagError):
        tf.flags.DEFINE_integer("n", 2, "again", flag_values=fv)
    with pytest.raises(AttributeError):
        fv.undefined_flag  # noqa: B018
    assert tf.app.flags is tf.flags


def test_gfile_round_trip(tmp_path):
    gf = tf.gfile
    d = tmp_path / "a" / "b"
    gf.MakeDirs(str(d))
    gf.MakeDirs(str(d))  # existing directory: fine
    assert gf.IsDirectory(str(d)) and gf.Exists(str(d))
    with pytest.raises(errors.AlreadyExistsError):
        gf.MkDir(str(d))
    path = str(d / "notes.txt")
    with gf.GFile(path, "w") as f:
        f.write("one\n")
        f.write(b"two\n")
    with gf.GFile(path) as f:
        assert f.readline() == "one\n"
        assert list(f) == ["two\n"]
    with gf.Open(path, "a") as f:
        f.write("three")
    with gf.FastGFile(path, "rb") as f:
        data = f.read()
    assert data == b"one\ntwo\nthree"
    assert gf.GFile(path, "rb").size() == len(data) == gf.Stat(path).length
    gf.Copy(path, str(d / "copy.txt"))
    with pytest.raises(errors.AlreadyExistsError):
        gf.Copy(path, str(d / "copy.txt"))
    gf.Rename(str(d / "copy.txt"), str(d / "moved.txt"))
    assert gf.ListDirectory(str(d)) == ["moved.txt", "notes.txt"]
    assert gf.Glob(str(d / "*.txt")) == [str(d / "moved.txt"), path]
    assert [w[0] for w in gf.Walk(str(tmp_path / "a"))] == [str(tmp_path / "a"), str(d)]
    gf.Remove(str(d / "moved.txt"))
    assert not gf.Exists(str(d / "moved.txt"))
    with pytest.raises(errors.NotFoundError):
        gf.Remove(str(d / "moved.txt"))
    with pytest.raises(errors.NotFoundError):
        gf.GFile(str(d / "missing.txt")).read()
    with pytest.raises(errors.NotFoundError):
        gf.ListDirectory(str(tmp_path / "nowhere"))
    gf.DeleteRecursively(str(tmp_path / "a"))
    assert not gf.Exists(str(tmp_path / "a"))
    with pytest.raises(errors.UnimplementedError, match="scheme 'gs'"):
        gf.Exists("gs://bucket/file")


def test_compat_helpers():
    assert tf.compat.v1 is tf
    assert tf.compat.as_bytes("é") == "é".encode() and tf.compat.as_text(b"x") == "x"
    assert tf.compat.as_str_any(3) == "3"
    import minitf.compat.v1 as v1
    assert v1 is tf


def test_tf1_housekeeping_calls_are_accepted(tmp_path):
    script = tmp_path / "housekeeping.py"
    script.write_text(
        "import tensorflow.compat.v1 as tf\n"
        "tf.disable_v2_behavior()\n"
        "tf.logging.set_verbosity(tf.logging.INFO)\n"
        "print(tf.executing_eagerly(), tf.Session().run(tf.constant(2) * 3))\n")
    out = subprocess.run([sys.executable, "-m", "minitf.run", str(script)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "6"]


def test_tf1_experiment_script_trains_saves_and_logs(tmp_path):
    """A whole TF 1.x-era script (flags, scopes, Adam, summaries, Saver) runs unchanged."""
    script = os.path.join(os.path.dirname(__file__), "scripts", "tf1_mnist_experiment.py")
    logdir = tmp_path / "run"
    env = dict(os.environ, MINITF_DATA=str(tmp_path / "no-data"))
    out = subprocess.run([sys.executable, "-m", "minitf.run", script, "--logdir", str(logdir),
                          "--steps", "300"], capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = dict(line.rsplit(" ", 1) for line in out.stdout.splitlines() if line.count(" ") >= 2)
    assert float(lines["test accuracy"]) >= 0.85
    assert lines["latest checkpoint"] == str(logdir / "model-200")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(str(logdir))
    events.Reload()
    assert "loss/cross_entropy" in events.Tags()["scalars"]
    assert [e.step for e in events.Scalars("loss/cross_entropy")] == [0, 100, 200]


def test_missing_name_in_lazily_loading_module(tmp_path):
    # tf.summary loads its proto classes in a module __getattr__; a name it lacks is still
    # reported at the script's line, not as a traceback into minitf
    src = """\
        import tensorflow as tf
        tf.summary.scalar_v3
    """
    r = run_script(tmp_path, src)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        "minitf.run: script.py:2 uses tf.summary.scalar_v3, which minitf does not implement yet"]
