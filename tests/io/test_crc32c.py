"""CRC32C: test vectors for every implementation, and the TFRecord mask."""

import numpy as np
import pytest

from minitf.io import crc32c as crc_module
from minitf.io.crc32c import crc32c, mask_crc, masked_crc32c, unmask_crc
from tests.util import bitwise_crc32c



def _implementations():
    impls = [pytest.param(crc32c, id="public"),
             pytest.param(crc_module._crc32c_python, id="pure-python")]
    try:
        import google_crc32c
    except ImportError:
        pass
    else:
        impls.append(pytest.param(google_crc32c.value, id="google_crc32c"))
    return impls


# RFC 3720 (iSCSI) appendix B.4 vectors, plus the check value of the CRC catalogue.
VECTORS = [
    (b"123456789", 0xE3069283),
    (b"", 0x00000000),
    (bytes(32), 0x8A9136AA),
    (b"\xff" * 32, 0x62A8AB43),
    (bytes(range(32)), 0x46DD794E),
    (bytes(range(31, -1, -1)), 0x113FDB5C),
]


@pytest.mark.parametrize("impl", _implementations())
@pytest.mark.parametrize("data,expected", VECTORS)
def test_vectors(impl, data, expected):
    assert impl(data) == expected


@pytest.mark.parametrize("impl", _implementations())
def test_matches_bitwise_reference_on_random_data(impl):
    rng = np.random.default_rng(0)
    for size in (1, 3, 7, 64, 1000):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        assert impl(data) == bitwise_crc32c(data)


def test_uses_google_crc32c_when_importable():
    pytest.importorskip("google_crc32c")
    assert crc_module.BACKEND == "google_crc32c"


def test_accepts_bytes_like_and_rejects_text():
    data = b"123456789"
    assert crc32c(bytearray(data)) == crc32c(memoryview(data)) == 0xE3069283
    with pytest.raises(TypeError):
        crc32c("123456789")


def test_mask_formula_from_spec():
    rng = np.random.default_rng(1)
    for _ in range(20):
        data = rng.integers(0, 256, 17, dtype=np.uint8).tobytes()
        crc = bitwise_crc32c(data)
        expected = (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF
        assert masked_crc32c(data) == expected
        assert mask_crc(crc) == expected
        assert unmask_crc(expected) == crc


def test_falls_back_to_pure_python_without_google_crc32c():
    import subprocess
    import sys

    code = ("import sys; sys.modules['google_crc32c'] = None\n"  # makes the import fail
            "from minitf.io import crc32c as c\n"
            "print(c.BACKEND, hex(c.crc32c(b'123456789')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["python", "0xe3069283"]
