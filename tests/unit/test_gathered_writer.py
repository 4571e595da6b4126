"""Downloaded blocks are written and hashed together, by the MiB on a fast link, but never
held long on a slow one: a kill loses at most a quarter of a second of the download."""

from __future__ import annotations

import hashlib
import io

from companion.sync import gathered
from companion.sync.gathered import GatheredWriter


class Counting(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, data) -> int:
        self.writes += 1
        return super().write(data)


def test_tls_records_are_written_and_hashed_by_the_mib():
    out, digest = Counting(), hashlib.sha1()
    records = [bytes([n % 256]) * 16_384 for n in range(200)]  # 3.2 MB in TLS-sized reads
    with GatheredWriter(out, digest, 1024 * 1024) as writer:
        for record in records:
            writer.write(record)
    whole = b"".join(records)
    assert out.getvalue() == whole and digest.hexdigest() == hashlib.sha1(whole).hexdigest()
    assert out.writes <= 4  # not one system call per record


def test_a_slow_link_is_written_as_it_comes(monkeypatch):
    out, now = Counting(), [1000.0]
    monkeypatch.setattr("companion.sync.gathered.time.monotonic", lambda: now[0])
    with GatheredWriter(out, hashlib.sha1(), 1024 * 1024) as writer:
        writer.write(b"a" * 100)
        assert out.writes == 0
        now[0] += gathered.MAX_HOLD_SECONDS
        writer.write(b"b" * 100)
        assert out.getvalue() == b"a" * 100 + b"b" * 100  # on disk, not held for a MiB


def test_an_error_midway_still_writes_what_came():
    out, digest = Counting(), hashlib.sha1()
    try:
        with GatheredWriter(out, digest, 1024 * 1024) as writer:
            writer.write(b"kept")
            raise ConnectionError("cut")
    except ConnectionError:
        pass
    assert out.getvalue() == b"kept" and digest.hexdigest() == hashlib.sha1(b"kept").hexdigest()


def test_reads_over_https_ask_for_one_tls_record(monkeypatch):
    from companion.sync.downloads import FAST_BLOCK, TLS_RECORD, _read_size

    class Answer:
        def __init__(self, url: str) -> None:
            self.url = url

    assert _read_size(Answer("https://site.example/f"), FAST_BLOCK) == TLS_RECORD  # type: ignore[arg-type]
    assert _read_size(Answer("http://127.0.0.1:8/f"), FAST_BLOCK) == FAST_BLOCK  # type: ignore[arg-type]
