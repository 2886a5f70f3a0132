// The chat page: streams answers from /v1/chat/completions and shows each citation inside its document;
// the documents panel uploads, lists and deletes documents and picks the ones to ask within.
// Document text is only ever inserted with textContent / createTextNode, never as HTML.
"use strict";

const KEY_STORAGE = "rag-cited.api-key";
const PAGE_SIZE = 200;            // the documents API's largest page
const MAX_LISTED = 2000;          // the list stops here; the API pages through any number
const $ = (id) => document.getElementById(id);
const history = [];               // the conversation sent to the chat endpoint
const documents = new Map();      // doc_id -> promise of {title, source, text}
const selected = new Set();       // doc_ids checked in the list: questions are asked within them (none: all)
const titles = new Map();         // doc_id -> title, of the listed documents

function authHeaders(extra = {}) {
  const key = $("api-key").value.trim();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

async function apiError(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    message = (body.error && body.error.message) || body.detail || message;
  } catch (_) { /* not JSON */ }
  if (response.status === 401) message += " (enter a valid API key at the top)";
  return new Error(message);
}

// Reads an SSE response: calls onEvent with each parsed `data:` payload until [DONE].
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    const lines = buffer.split(/\r?\n/);
    buffer = done ? "" : lines.pop();
    for (const line of lines) {
      if (!line.startsWith("data:")) continue;
      const payload = line.slice(5).trim();
      if (payload === "[DONE]") return;
      onEvent(JSON.parse(payload));
    }
    if (done) return;
  }
}

// Streams one answer; resolves to {content, citations, abstained, shortAnswer}. Falls back to /v1/ask where the chat
// endpoint is absent. `docIds` (undefined: all documents) limits the documents the answer may come from.
async function answer(messages, docIds, onText) {
  const response = await fetch("/v1/chat/completions", {
    method: "POST",
    headers: authHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify({ model: "rag-cited", messages, stream: true, doc_ids: docIds }),
  });
  if (response.status === 404 && !(await isUnknownDocument(response))) {
    return askOnce(messages[messages.length - 1].content, docIds, onText);
  }
  if (!response.ok) throw await apiError(response);
  let content = "";
  let citations = [];
  let abstained = false;
  let shortAnswer = null;
  await readEvents(response, (chunk) => {
    if (chunk.error) throw new Error(chunk.error.message || "the server reported an error");
    const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
    if (delta && delta.content) {
      content += delta.content;
      onText(content);
    }
    if (Array.isArray(chunk.citations)) citations = chunk.citations;
    if (chunk.rag) {
      abstained = Boolean(chunk.rag.abstained);
      shortAnswer = chunk.rag.short_answer || null;
    }
  });
  return { content, citations, abstained, shortAnswer };
}

// A 404 from the chat endpoint is either "no such endpoint" (fall back) or an unknown document id (an error).
async function isUnknownDocument(response) {
  try {
    const body = await response.clone().json();
    return Boolean(body.error && body.error.code === "not_found");
  } catch (_) {
    return false;
  }
}

async function askOnce(question, docIds, onText) {
  const response = await fetch("/v1/ask", {
    method: "POST",
    headers: authHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify({ question, doc_ids: docIds }),
  });
  if (!response.ok) throw await apiError(response);
  const body = await response.json();
  onText(body.answer);
  return { content: body.answer, citations: body.citations || [], abstained: Boolean(body.abstained),
           shortAnswer: body.short_answer || null };
}

function addMessage(role, text) {
  const item = document.createElement("li");
  item.className = `message ${role}`;
  const body = document.createElement("div");
  body.className = role === "user" ? "question" : "answer";
  body.textContent = text;
  item.appendChild(body);
  $("messages").appendChild(item);
  item.scrollIntoView({ block: "end" });
  return item;
}

// The answer text with its [n] markers turned into buttons (its short answer, where it leads with one, in bold),
// then the list of cited excerpts.
function renderAnswer(item, content, citations, shortAnswer) {
  const byNumber = new Map(citations.map((c) => [c.number, c]));
  // The chat content ends with a plain-text "Sources" list; the page shows the structured one instead.
  const prose = citations.length ? content.replace(/\n\s*[*_#]*\s*Sources[*_]*:?[*_]*[ \t]*\n[\s\S]*$/i, "").trimEnd() : content;
  const body = item.querySelector(".answer");
  body.textContent = "";
  let last = 0;
  if (shortAnswer && prose.startsWith(`${shortAnswer} — `)) {
    const lead = document.createElement("strong");
    lead.className = "short-answer";
    lead.textContent = shortAnswer;
    body.appendChild(lead);
    last = shortAnswer.length;
  }
  for (const match of prose.matchAll(/\[(\d+)\]/g)) {
    const citation = byNumber.get(Number(match[1]));
    if (!citation) continue;
    body.appendChild(document.createTextNode(prose.slice(last, match.index)));
    body.appendChild(citeButton(citation, `[${citation.number}]`, "cite"));
    last = match.index + match[0].length;
  }
  body.appendChild(document.createTextNode(prose.slice(last)));
  if (!citations.length) return;
  const list = document.createElement("ol");
  list.className = "sources";
  for (const citation of citations) {
    const entry = document.createElement("li");
    entry.appendChild(citeButton(citation, `[${citation.number}] ${citation.title}`, "source-title"));
    const quote = document.createElement("blockquote");
    quote.className = "excerpt";
    quote.textContent = citation.text;
    entry.appendChild(quote);
    list.appendChild(entry);
  }
  item.appendChild(list);
}

function citeButton(citation, label, className) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.textContent = label;
  button.title = `${citation.source}, characters ${citation.start}–${citation.end}`;
  button.dataset.docId = citation.doc_id;
  button.dataset.start = String(citation.start);
  button.dataset.end = String(citation.end);
  button.addEventListener("click", () => showCitation(citation).catch(showViewerError));
  return button;
}

function fetchDocument(docId) {
  if (!documents.has(docId)) {
    const request = fetch(`/v1/documents/${encodeURIComponent(docId)}`, { headers: authHeaders() })
      .then(async (response) => {
        if (!response.ok) throw await apiError(response);
        return response.json();
      });
    request.catch(() => documents.delete(docId));
    documents.set(docId, request);
  }
  return documents.get(docId);
}

// Citation offsets count Unicode code points (as Python does); JavaScript strings index UTF-16 units.
function utf16Index(text, codePoints) {
  if (!/[\uD800-\uDFFF]/.test(text)) return codePoints;
  let index = 0;
  for (let n = 0; n < codePoints && index < text.length; n += 1) {
    const unit = text.charCodeAt(index);
    index += unit >= 0xd800 && unit <= 0xdbff && index + 1 < text.length ? 2 : 1;
  }
  return index;
}

async function showCitation(citation) {
  const doc = await fetchDocument(citation.doc_id);
  const start = utf16Index(doc.text, citation.start);
  const end = utf16Index(doc.text, citation.end);
  const mark = document.createElement("mark");
  mark.textContent = doc.text.slice(start, end);
  const view = $("doc-text");
  view.replaceChildren(document.createTextNode(doc.text.slice(0, start)), mark,
                       document.createTextNode(doc.text.slice(end)));
  $("doc-title").textContent = doc.title;
  $("doc-meta").textContent = `${doc.source} · [${citation.number}] characters ${citation.start}–${citation.end}`;
  const warning = $("doc-warning");
  warning.hidden = mark.textContent === citation.text;
  warning.textContent = "The document changed since this answer: the highlighted text differs from the citation.";
  $("doc-empty").hidden = true;
  $("doc").hidden = false;
  $("doc").dataset.docId = citation.doc_id;
  mark.scrollIntoView({ block: "center" });
}

function showViewerError(error) {
  $("doc-empty").hidden = false;
  $("doc").hidden = true;
  $("doc-empty").textContent = `Could not show the document: ${error.message}`;
}

async function ask(question) {
  const docIds = selected.size ? [...selected] : undefined;
  const asked = addMessage("user", question);
  if (docIds) {
    const scope = document.createElement("div");
    scope.className = "scope";
    scope.textContent = `within: ${docIds.map((id) => titles.get(id) || id).join(", ")}`;
    asked.appendChild(scope);
  }
  const item = addMessage("assistant", "");
  item.dataset.state = "streaming";
  history.push({ role: "user", content: question });
  try {
    const result = await answer(history.slice(), docIds, (text) => {
      item.querySelector(".answer").textContent = text;
    });
    history.push({ role: "assistant", content: result.content });
    renderAnswer(item, result.content, result.citations, result.shortAnswer);
    if (result.abstained) markAbstained(item);
    item.dataset.state = "done";
  } catch (error) {
    history.pop();
    item.querySelector(".answer").textContent = `Error: ${error.message}`;
    item.dataset.state = "error";
  }
  item.scrollIntoView({ block: "end" });
}

// An abstention is not an answer: it gets its own label and style, so it is never read as one.
function markAbstained(item) {
  item.classList.add("abstained");
  item.dataset.abstained = "true";
  const label = document.createElement("div");
  label.className = "abstained-label";
  label.textContent = "No answer found in the documents";
  item.insertBefore(label, item.firstChild);
}

// -- documents: list, upload, delete ---------------------------------------------------------------------

async function fetchDocumentList() {
  const listed = [];
  let total = 0;
  for (let offset = 0; offset < MAX_LISTED; offset += PAGE_SIZE) {
    const response = await fetch(`/v1/documents?limit=${PAGE_SIZE}&offset=${offset}`, { headers: authHeaders() });
    if (!response.ok) throw await apiError(response);
    const page = await response.json();
    total = page.total;
    listed.push(...page.documents);
    if (page.documents.length < PAGE_SIZE || listed.length >= total) break;
  }
  return { listed, total };
}

// Counts the messages written to the list's status line, so a refresh that started before a newer message
// (a failed delete while the list reloads after uploads) does not overwrite it.
let statusWrites = 0;

function setListStatus(text, state) {
  const status = $("doc-list-status");
  statusWrites += 1;
  status.textContent = text;
  status.dataset.state = state;
}

async function loadDocuments() {
  const before = statusWrites;
  let found;
  try {
    found = await fetchDocumentList();
  } catch (error) {
    if (statusWrites === before) setListStatus(`Could not list the documents: ${error.message}`, "error");
    return;
  }
  const { listed, total } = found;
  titles.clear();
  for (const doc of listed) titles.set(doc.id, doc.title);
  for (const id of [...selected]) if (!titles.has(id)) selected.delete(id);
  if (statusWrites === before) {
    setListStatus(total === 0 ? "No documents yet: upload some above."
      : `${total} document${total === 1 ? "" : "s"}` + (listed.length < total ? ` (the first ${listed.length} listed)` : ""),
    "done");
  }
  $("doc-list").replaceChildren(...listed.map(documentItem));
  updateFilterNote();
}

function documentItem(doc) {
  const item = document.createElement("li");
  item.className = "doc-item";
  item.dataset.docId = doc.id;
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.className = "doc-pick";
  box.checked = selected.has(doc.id);
  box.addEventListener("change", () => {
    if (box.checked) selected.add(doc.id);
    else selected.delete(doc.id);
    updateFilterNote();
  });
  const name = document.createElement("span");
  name.className = "doc-name";
  name.textContent = doc.title;
  name.title = doc.source;
  label.append(box, name);
  const count = document.createElement("span");
  count.className = "doc-passages";
  count.textContent = `${doc.passages} passage${doc.passages === 1 ? "" : "s"}`;
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "doc-delete";
  remove.textContent = "Delete";
  remove.title = `Delete ${doc.title}`;
  remove.addEventListener("click", () => deleteDocument(doc));
  item.append(label, count, remove);
  return item;
}

function updateFilterNote() {
  const note = $("doc-filter");
  note.textContent = selected.size
    ? `Asking within ${selected.size} checked document${selected.size === 1 ? "" : "s"}.`
    : "Ask within the checked documents; none checked: all of them.";
  note.classList.toggle("active", selected.size > 0);
}

async function deleteDocument(doc) {
  if (!window.confirm(`Delete “${doc.title}” and its ${doc.passages} passages? This cannot be undone.`)) return;
  const response = await fetch(`/v1/documents/${encodeURIComponent(doc.id)}`, { method: "DELETE", headers: authHeaders() });
  if (!response.ok && response.status !== 404) {  // 404: already gone, which is what was asked
    const error = await apiError(response);
    setListStatus(`Could not delete “${doc.title}”: ${error.message}`, "error");
    return;
  }
  selected.delete(doc.id);
  documents.delete(doc.id);
  if ($("doc").dataset.docId === doc.id) {  // the viewer showed it: it is gone
    $("doc").hidden = true;
    delete $("doc").dataset.docId;
    $("doc-empty").hidden = false;
    $("doc-empty").textContent = `“${doc.title}” was deleted.`;
  }
  await loadDocuments();
}

// Uploads each file on its own (one failure does not stop the rest) and reports it on its own line.
async function uploadFiles(files) {
  if (!files.length) return;
  const results = $("upload-results");
  const lines = files.map((file) => {
    const line = document.createElement("li");
    line.dataset.state = "uploading";
    line.textContent = `${file.name}: uploading…`;
    return line;
  });
  results.replaceChildren(...lines);
  for (const [i, file] of files.entries()) {
    const line = lines[i];
    try {
      const form = new FormData();
      form.append("file", file, file.name);
      const response = await fetch("/v1/documents", { method: "POST", headers: authHeaders(), body: form });
      if (!response.ok) throw await apiError(response);
      const doc = await response.json();
      documents.delete(doc.id);  // a replaced document's text is new
      line.dataset.state = "done";
      line.dataset.docId = doc.id;
      const passages = `${doc.passages} passage${doc.passages === 1 ? "" : "s"}`;
      line.textContent = doc.status === "duplicate"
        ? `${file.name}: already stored as “${doc.title}” (${passages})`
        : `${file.name}: added as “${doc.title}” (${passages})`;
    } catch (error) {
      line.dataset.state = "error";
      line.textContent = `${file.name}: ${error.message}`;
    }
  }
  await loadDocuments();
}

function startDocuments() {
  const input = $("file-input");
  input.addEventListener("change", () => {
    const files = [...input.files];
    input.value = "";  // choosing the same file again is a new upload
    uploadFiles(files);
  });
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    uploadFiles([...event.dataTransfer.files]);
  });
  // A file dropped beside the zone must not replace the page with the file.
  for (const type of ["dragover", "drop"]) document.addEventListener(type, (event) => event.preventDefault());
  loadDocuments();
}

function start() {
  const key = $("api-key");
  key.value = localStorage.getItem(KEY_STORAGE) || "";
  key.addEventListener("change", () => {
    if (key.value.trim()) localStorage.setItem(KEY_STORAGE, key.value.trim());
    else localStorage.removeItem(KEY_STORAGE);
    documents.clear();
    loadDocuments();
  });
  const form = $("ask-form");
  const input = $("question");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    input.value = "";
    $("ask-button").disabled = true;
    try {
      await ask(question);
    } finally {
      $("ask-button").disabled = false;
      input.focus();
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("new-chat").addEventListener("click", () => {
    history.length = 0;
    $("messages").replaceChildren();
    input.focus();
  });
  startDocuments();
}

document.addEventListener("DOMContentLoaded", start);
