"""Ingest reports its stages through the progress protocol; a large document advances batch by batch."""

from pathlib import Path

from rag import ingest


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self.events.append(("start", stage, total, unit))

    def advance(self, count: int = 1) -> None:
        self.events.append(("advance", count))

    def finish(self) -> None:
        self.events.append(("finish",))


def test_stages_and_batches_add_up_to_the_report(tmp_path: Path, make_service, monkeypatch) -> None:
    monkeypatch.setattr(ingest, "EMBED_CHUNK", 4)
    docs = tmp_path / "docs"
    docs.mkdir()
    big = docs / "big.md"
    big.write_text("# Tides\n\n" + "".join(f"High water on day {n} was at {n % 12} o'clock.\n\n" for n in range(60)))
    (docs / "small.txt").write_text("The ferry leaves at nine.\n")
    (docs / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    recorder = Recorder()
    service = make_service()
    report = service.ingest_paths([docs], progress=recorder)

    starts = [event[1:] for event in recorder.events if event[0] == "start"]
    assert starts == [("load", 3, "files"), ("split", 2, "documents"), ("embed", report.passages, "passages"),
                      ("write", None, "documents")]
    assert recorder.events.count(("finish",)) == 4
    embed_at = recorder.events.index(("start", "embed", report.passages, "passages"))
    embed_steps = [e[1] for e in recorder.events[embed_at:] if e[0] == "advance"]
    assert sum(embed_steps) == report.passages and max(embed_steps) == 4  # in batches of EMBED_CHUNK
    assert len(embed_steps) > 2
    assert service.index.manifest.passages == report.passages
