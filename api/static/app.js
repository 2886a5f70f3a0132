// The chat page: streams answers from /v1/chat/completions and shows each citation inside its document.
// Document text is only ever inserted with textContent / createTextNode, never as HTML.
"use strict";

const KEY_STORAGE = "rag-cited.api-key";
const $ = (id) => document.getElementById(id);
const history = [];               // the conversation sent to the chat endpoint
const documents = new Map();      // doc_id -> promise of {title, source, text}

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

// Streams one answer; resolves to {content, citations}. Falls back to /v1/ask where the chat endpoint is absent.
async function answer(messages, onText) {
  const response = await fetch("/v1/chat/completions", {
    method: "POST",
    headers: authHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify({ model: "rag-cited", messages, stream: true }),
  });
  if (response.status === 404) return askOnce(messages[messages.length - 1].content, onText);
  if (!response.ok) throw await apiError(response);
  let content = "";
  let citations = [];
  await readEvents(response, (chunk) => {
    if (chunk.error) throw new Error(chunk.error.message || "the server reported an error");
    const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
    if (delta && delta.content) {
      content += delta.content;
      onText(content);
    }
    if (Array.isArray(chunk.citations)) citations = chunk.citations;
  });
  return { content, citations };
}

async function askOnce(question, onText) {
  const response = await fetch("/v1/ask", {
    method: "POST",
    headers: authHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify({ question }),
  });
  if (!response.ok) throw await apiError(response);
  const body = await response.json();
  onText(body.answer);
  return { content: body.answer, citations: body.citations || [] };
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

// The answer text with its [n] markers turned into buttons, then the list of cited excerpts.
function renderAnswer(item, content, citations) {
  const byNumber = new Map(citations.map((c) => [c.number, c]));
  // The chat content ends with a plain-text "Sources" list; the page shows the structured one instead.
  const prose = citations.length ? content.replace(/\n\s*[*_#]*\s*Sources[*_]*:?[*_]*[ \t]*\n[\s\S]*$/i, "").trimEnd() : content;
  const body = item.querySelector(".answer");
  body.textContent = "";
  let last = 0;
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
  mark.scrollIntoView({ block: "center" });
}

function showViewerError(error) {
  $("doc-empty").hidden = false;
  $("doc").hidden = true;
  $("doc-empty").textContent = `Could not show the document: ${error.message}`;
}

async function ask(question) {
  addMessage("user", question);
  const item = addMessage("assistant", "");
  item.dataset.state = "streaming";
  history.push({ role: "user", content: question });
  try {
    const result = await answer(history.slice(), (text) => {
      item.querySelector(".answer").textContent = text;
    });
    history.push({ role: "assistant", content: result.content });
    renderAnswer(item, result.content, result.citations);
    item.dataset.state = "done";
  } catch (error) {
    history.pop();
    item.querySelector(".answer").textContent = `Error: ${error.message}`;
    item.dataset.state = "error";
  }
  item.scrollIntoView({ block: "end" });
}

function start() {
  const key = $("api-key");
  key.value = localStorage.getItem(KEY_STORAGE) || "";
  key.addEventListener("change", () => {
    if (key.value.trim()) localStorage.setItem(KEY_STORAGE, key.value.trim());
    else localStorage.removeItem(KEY_STORAGE);
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
}

document.addEventListener("DOMContentLoaded", start);
