"""tf.contrib.training.HParams against TF 1.x's documented rules: a type is fixed by its default."""
import json

import pytest

import minitf as tf
from minitf.contrib.hparams import HParams, parse_values


def make():
    return HParams(learning_rate=0.1, num_layers=2, activation="relu", sizes=[64, 32],
                   rates=[0.5], use_bias=True)


def test_contrib_training_exports_it():
    assert tf.contrib.training.HParams is HParams


def test_keyword_construction_attributes_values_contains_get():
    hp = make()
    assert hp.learning_rate == 0.1 and hp.num_layers == 2 and hp.sizes == [64, 32]
    assert hp.values() == {"learning_rate": 0.1, "num_layers": 2, "activation": "relu",
                           "sizes": [64, 32], "rates": [0.5], "use_bias": True}
    assert "num_layers" in hp and "momentum" not in hp
    assert hp.get("num_layers") == 2 and hp.get("momentum") is None
    assert hp.get("momentum", 0.9) == 0.9
    assert hp.get("learning_rate", 1) == 0.1          # an int default suits a float
    assert hp.get("sizes", [1]) == [64, 32]
    for key, default in (("num_layers", 1.5), ("num_layers", "2"), ("sizes", 1),
                         ("learning_rate", [0.1]), ("use_bias", 1)):
        with pytest.raises(ValueError, match=key):
            hp.get(key, default)
    assert str(hp).startswith("[('activation', 'relu'), ")
    assert repr(hp).startswith("HParams([")


def test_add_hparam():
    hp = HParams(a=1)
    hp.add_hparam("b", "x")
    assert hp.b == "x" and hp.values() == {"a": 1, "b": "x"}
    for name in ("a", "values", "parse"):          # taken: an hparam or a method
        with pytest.raises(ValueError, match="reserved: %s" % name):
            hp.add_hparam(name, 3)
    with pytest.raises(ValueError, match="empty: c"):
        hp.add_hparam("c", [])
    hp.del_hparam("b")
    assert "b" not in hp and not hasattr(hp, "b")
    hp.del_hparam("b")                               # nothing there: no error


def test_set_hparam_type_rules():
    hp = make()
    hp.set_hparam("learning_rate", 1)                # int into float: cast
    assert hp.learning_rate == 1.0 and type(hp.learning_rate) is float
    hp.set_hparam("sizes", [8])
    assert hp.sizes == [8]
    hp.set_hparam("rates", [1, 2])
    assert hp.rates == [1.0, 2.0] and all(type(r) is float for r in hp.rates)
    bad = (("num_layers", 2.5), ("num_layers", "3"), ("num_layers", True),
           ("learning_rate", "0.1"), ("learning_rate", False), ("use_bias", 1),
           ("activation", 3), ("sizes", [1.5]))
    for name, value in bad:
        with pytest.raises(ValueError, match="hparam '%s'" % name):
            hp.set_hparam(name, value)
    with pytest.raises(ValueError, match="single-valued parameter: num_layers"):
        hp.set_hparam("num_layers", [3])
    with pytest.raises(ValueError, match="multi-valued parameter: sizes"):
        hp.set_hparam("sizes", 3)
    with pytest.raises(KeyError):
        hp.set_hparam("momentum", 0.9)
    assert hp.num_layers == 2                        # nothing changed by the failures


def test_parse():
    hp = make()
    out = hp.parse("learning_rate=1,num_layers=4,activation=tanh,sizes=[128, 16 8],"
                   "rates=[1],use_bias=false")
    assert out is hp
    assert hp.values() == {"learning_rate": 1.0, "num_layers": 4, "activation": "tanh",
                           "sizes": [128, 16, 8], "rates": [1.0], "use_bias": False}
    assert type(hp.learning_rate) is float
    for text, expected in (("True", True), ("false", False), ("0", False), ("7", True)):
        assert hp.parse("use_bias=%s" % text).use_bias is expected
    hp.parse("activation=a b")                      # a string may hold spaces
    assert hp.activation == "a b"
    hp.parse("")                                    # nothing to do
    assert hp.num_layers == 4


@pytest.mark.parametrize("text,match", [
    ("num_layers=2.5", "hparam 'num_layers' of type 'int' with value '2.5'"),
    ("learning_rate=fast", "hparam 'learning_rate' of type 'float'"),
    ("use_bias=yes", "hparam 'use_bias' of type 'bool'"),
    ("sizes=[1,x]", "hparam 'sizes' of type 'int'"),
    ("momentum=0.9", "Unknown hyperparameter type for momentum"),
    ("num_layers=2,num_layers=3", "Multiple assignments to variable 'num_layers'"),
    ("num_layers", "Malformed hyperparameter value"),
    ("sizes=4", "multi-valued parameter: sizes"),
    ("num_layers=[2]", "single-valued parameter: num_layers"),
])
def test_parse_errors_name_the_hparam(text, match):
    with pytest.raises(ValueError, match=match.replace("[", "\\[")):
        make().parse(text)


def test_parse_values():
    types = {"a": int, "b": float, "c": str, "d": bool}
    assert parse_values("a=1,b=2,c=x,d=1", types) == {"a": 1, "b": 2.0, "c": "x", "d": True}
    assert parse_values("a=[1,2],b=[]", types) == {"a": [1, 2], "b": []}
    assert parse_values("a[1]=3,a[4]=5", types) == {"a": {1: 3, 4: 5}}
    assert parse_values("z=1,a=2", types, ignore_unknown=True) == {"a": 2}
    with pytest.raises(ValueError, match="a\\[1\\]"):
        parse_values("a[1]=3,a[1]=4", types)
    with pytest.raises(ValueError, match="list index"):
        parse_values("a[1]=[3]", types)


def test_override_from_dict_and_json():
    hp = make()
    assert hp.override_from_dict({"num_layers": 5, "sizes": [1, 2, 3]}) is hp
    assert hp.num_layers == 5 and hp.sizes == [1, 2, 3]
    text = hp.to_json(sort_keys=True)
    assert json.loads(text) == hp.values()
    assert list(json.loads(text)) == sorted(hp.values())
    other = make().parse_json(text)
    assert other.values() == hp.values()
    assert make().parse_json('{"learning_rate": 2}').learning_rate == 2.0
    with pytest.raises(ValueError, match="num_layers"):
        make().parse_json('{"num_layers": 2.5}')
    with pytest.raises(ValueError, match="num_layers"):
        make().override_from_dict({"num_layers": "2"})
    assert make().to_json(indent=2).startswith('{\n  "learning_rate": 0.1')


def test_callables_left_out_of_json_and_model_structure_kept():
    hp = HParams(model_structure="tree", act=len, n=3)
    assert json.loads(hp.to_json()) == {"n": 3}
    assert hp.get_model_structure() == "tree"
    hp.set_model_structure({"layers": 2})
    assert hp.get_model_structure() == {"layers": 2}
    with pytest.raises(ValueError):
        HParams(hparam_def=object())
