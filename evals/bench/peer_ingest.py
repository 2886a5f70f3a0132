"""The peer's whole ingest as a LlamaIndex user writes it, run in the peer venv (.venv-peer): no `rag` import here.

    python peer_ingest.py ingest CORPUS_DIR MODEL_PATH PERSIST_DIR [CHUNK_SIZE[/OVERLAP]]
    python peer_ingest.py count PERSIST_DIR MODEL_PATH OUT.json

`ingest`: every *.html file of CORPUS_DIR as text, LlamaIndex's defaults otherwise: `SentenceSplitter` (chunk
1024 tiktoken tokens, overlap 200, unless CHUNK_SIZE / OVERLAP are given; setting only `Settings.chunk_size = 256`
keeps the overlap of 200, and the chunks then hold each token about 3 times), `HuggingFaceEmbedding` of the same bundled model
(batch 10, truncation at the model's 256 tokens), `VectorStoreIndex` in the default in-memory store, persisted to
PERSIST_DIR (our ingest writes its index to disk too). LlamaIndex has no HTML reader by default
(`SimpleDirectoryReader` would embed the markup), so the text is taken with the standard library's html.parser,
skipping scripts and styles and breaking lines at block elements: about what BeautifulSoup's `get_text` gives.
`count` (run afterwards, untimed): the chunks persisted and the tokens the model saw, by its own tokenizer.
"""

from __future__ import annotations

import json
import os
import sys
from html.parser import HTMLParser
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_BLOCK = {"p", "div", "br", "li", "dt", "dd", "tr", "pre", "table", "h1", "h2", "h3", "h4", "h5", "h6", "title",
          "section", "blockquote"}
_SKIP = {"script", "style"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skipping += tag in _SKIP
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skipping -= tag in _SKIP and self.skipping > 0
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(raw: str) -> str:
    parser = _Text()
    parser.feed(raw)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def ingest(corpus: Path, model_path: str, persist: Path, chunking: str | None) -> None:
    from llama_index.core import Document, Settings, VectorStoreIndex
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    Settings.embed_model = HuggingFaceEmbedding(model_name=model_path, device="cpu")
    size, _, overlap = (chunking or "").partition("/")
    if size:
        Settings.chunk_size = int(size)
    if overlap:
        Settings.chunk_overlap = int(overlap)
    documents = [Document(text=html_text(f.read_text(encoding="utf-8")), metadata={"file_name": f.name})
                 for f in sorted(corpus.glob("*.html"))]
    index = VectorStoreIndex.from_documents(documents)
    index.storage_context.persist(persist_dir=str(persist))


def count(persist: Path, model_path: str, out: Path) -> None:
    from llama_index.core import StorageContext
    from llama_index.core.schema import MetadataMode
    from transformers import AutoTokenizer

    docstore = StorageContext.from_defaults(persist_dir=str(persist)).docstore
    # What HuggingFaceEmbedding embeds for a node: its text with the metadata the embed mode shows.
    texts = [node.get_content(metadata_mode=MetadataMode.EMBED) for node in docstore.docs.values()]
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    full = [len(ids) for ids in tokenizer(texts, add_special_tokens=True, truncation=False)["input_ids"]]
    limit = 256
    result = {"passages": len(texts), "tokens_embedded": sum(min(n, limit) for n in full),
              "tokens_before_truncation": sum(full), "truncated_passages": sum(n > limit for n in full)}
    out.write_text(json.dumps(result))


def main(argv: list[str]) -> int:
    if argv[0] == "ingest":
        ingest(Path(argv[1]), argv[2], Path(argv[3]), argv[4] if len(argv) > 4 else None)
    elif argv[0] == "count":
        count(Path(argv[1]), argv[2], Path(argv[3]))
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}: ingest or count")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
