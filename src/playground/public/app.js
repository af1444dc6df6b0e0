// The playground page: one simulated parent per tab (?parent=<id>), live updates by server-sent
// events, Telegram HTML rendered through an allow-list, an editor panel and the caseworker group.

const ALLOWED = new Set([
  "B",
  "STRONG",
  "I",
  "EM",
  "U",
  "INS",
  "S",
  "STRIKE",
  "DEL",
  "A",
  "CODE",
  "PRE",
  "BLOCKQUOTE",
  "TG-SPOILER",
  "SPAN",
]);
const RTL = new Set(["ar", "fa", "he", "ur", "ps", "prs"]);
const $ = (id) => document.getElementById(id);

const params = new URLSearchParams(location.search);
const parentId =
  Number(params.get("parent")) ||
  Number(sessionStorage.getItem("parent")) ||
  100000 + Math.floor(Math.random() * 800000);
sessionStorage.setItem("parent", String(parentId));
const saved = JSON.parse(localStorage.getItem(`parent:${parentId}`) ?? "{}");
$("parent-name").value = saved.name ?? $("parent-name").value;
$("parent-lang").value = params.get("lang") ?? saved.lang ?? $("parent-lang").value;
$("parent-id").textContent = `id ${parentId}`;

let state = null;
let topic = null;
let chatLength = 0;

function user() {
  return {
    id: parentId,
    first_name: $("parent-name").value || "Alex",
    language_code: $("parent-lang").value || undefined,
  };
}

function remember() {
  localStorage.setItem(
    `parent:${parentId}`,
    JSON.stringify({ name: $("parent-name").value, lang: $("parent-lang").value }),
  );
  applyDirection();
}

function applyDirection() {
  const lang = ($("parent-lang").value || "").split(/[-_]/)[0].toLowerCase();
  $("chat").dir = RTL.has(lang) ? "rtl" : "ltr";
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** Telegram HTML → DOM nodes, keeping only the tags Telegram knows and safe links. */
function renderHtml(html) {
  const doc = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
  const copy = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.textContent);
    if (node.nodeType !== Node.ELEMENT_NODE) return document.createTextNode("");
    const children = [...node.childNodes].map(copy);
    if (!ALLOWED.has(node.tagName)) {
      const fragment = document.createDocumentFragment();
      fragment.append(...children);
      return fragment;
    }
    const element = document.createElement(
      node.tagName === "TG-SPOILER" ? "span" : node.tagName.toLowerCase(),
    );
    if (node.tagName === "A") {
      const href = node.getAttribute("href") ?? "";
      if (/^https?:\/\//.test(href)) {
        element.href = href;
        element.target = "_blank";
        element.rel = "noopener noreferrer";
      }
    }
    element.append(...children);
    return element;
  };
  const root = doc.body.firstElementChild;
  const fragment = document.createDocumentFragment();
  fragment.append(...[...(root?.childNodes ?? [])].map(copy));
  return fragment;
}

function renderMessages(container, messages, onTap) {
  const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
  container.replaceChildren(
    ...messages.map((m) => {
      const wrapper = document.createElement("div");
      wrapper.className = `msg ${m.fromBot ? "bot" : "me"}${m.deleted ? " deleted" : ""}`;
      wrapper.dataset.id = m.id;
      const bubble = document.createElement("div");
      bubble.className = "bubble";
      if (m.html !== null) bubble.append(renderHtml(m.html));
      else bubble.textContent = m.text;
      const meta = document.createElement("div");
      meta.className = "meta";
      meta.textContent = `${m.fromBot ? "" : `${m.from} · `}${new Date(m.date * 1000).toLocaleTimeString()}${m.edited ? " · bearbeitet" : ""}${m.deleted ? " · gelöscht" : ""}`;
      bubble.append(meta);
      wrapper.append(bubble);
      if (m.buttons.length > 0 && !m.deleted) {
        const keyboard = document.createElement("div");
        keyboard.className = "keyboard";
        for (const row of m.buttons) {
          const line = document.createElement("div");
          line.className = "row";
          for (const button of row) {
            const element = document.createElement("button");
            element.type = "button";
            element.textContent = button.text;
            element.addEventListener("click", () => onTap(m, button));
            line.append(element);
          }
          keyboard.append(line);
        }
        wrapper.append(keyboard);
      }
      return wrapper;
    }),
  );
  if (atBottom || container.dataset.first !== "no") container.scrollTop = container.scrollHeight;
  container.dataset.first = "no";
}

async function loadChat() {
  const { messages } = await (await fetch(`/api/chat?chat=${parentId}`)).json();
  chatLength = messages.length;
  renderMessages($("chat"), messages, (message, button) =>
    post("/api/tap", { user: user(), chat: parentId, message: message.id, data: button.data }),
  );
}

async function loadGroup() {
  if (!state) return;
  const thread = topic === null ? "" : `&thread=${topic}`;
  const { messages } = await (await fetch(`/api/chat?chat=${state.group.id}${thread}`)).json();
  renderMessages($("group-chat"), messages, (message, button) =>
    post("/api/group/tap", { message: message.id, data: button.data }),
  );
}

function renderTopics() {
  $("group-title").textContent = state.group.title;
  const all = document.createElement("button");
  all.type = "button";
  all.textContent = "Alle";
  all.className = topic === null ? "active" : "";
  all.onclick = () => {
    topic = null;
    renderTopics();
    loadGroup();
  };
  $("topics").replaceChildren(
    all,
    ...state.topics.map((t) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${t.closed ? "🔒 " : ""}${t.name}`;
      button.className = topic === t.threadId ? "active" : "";
      button.onclick = () => {
        topic = t.threadId;
        renderTopics();
        loadGroup();
      };
      return button;
    }),
  );
}

function renderContentStatus() {
  const status = state.content;
  const banner = $("errors");
  if (!status.ok) {
    banner.hidden = false;
    banner.textContent = `Der Inhalt hat Fehler – der Bot arbeitet mit dem letzten guten Stand weiter.\n${status.problems.join("\n")}`;
  } else {
    banner.hidden = true;
  }
  $("content-status").textContent =
    `Inhalt geprüft ${new Date(status.checkedAt).toLocaleTimeString()}${status.ok ? " ✓" : " ✗"}`;
}

function renderEditor() {
  const flowSelect = $("jump-flow");
  const current = flowSelect.value;
  flowSelect.replaceChildren(...state.flows.map((f) => new Option(f.id, f.id)));
  if (current) flowSelect.value = current;
  renderSteps();
  $("jump-lang").replaceChildren(
    new Option("(wie eingestellt)", ""),
    ...state.languages.map((l) => new Option(`${l.name} (${l.code})`, l.code)),
  );
  $("lang-codes").replaceChildren(...state.languages.map((l) => new Option(l.name, l.code)));
  $("flow-list").replaceChildren(
    ...state.flows.map((flow) => {
      const details = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = `${flow.id} (${flow.steps.length})`;
      details.append(summary);
      for (const step of flow.steps) {
        const line = document.createElement("div");
        const jump = document.createElement("button");
        jump.type = "button";
        jump.textContent = step.id;
        jump.onclick = () =>
          post("/api/jump", {
            user: user(),
            step: `${flow.id}.${step.id}`,
            lang: $("jump-lang").value,
          });
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = ` ${step.kind}`;
        line.append(jump, kind);
        details.append(line);
      }
      return details;
    }),
  );
}

function renderSteps() {
  const flow = state.flows.find((f) => f.id === $("jump-flow").value) ?? state.flows[0];
  $("jump-step").replaceChildren(
    ...(flow?.steps ?? []).map((s) => new Option(`${s.id} (${s.kind})`, s.id)),
  );
}

async function loadState() {
  state = await (await fetch("/api/state")).json();
  $("bot-name").textContent = state.bot.name;
  renderEditor();
  renderContentStatus();
  renderTopics();
  $("violations").replaceChildren(
    ...state.violations.map((v) => Object.assign(document.createElement("li"), { textContent: v })),
  );
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("message").value;
  if (!text.trim()) return;
  $("message").value = "";
  await post("/api/send", { user: user(), text });
});
$("group-composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("group-message").value;
  if (!text.trim()) return;
  $("group-message").value = "";
  await post("/api/group/send", { text, ...(topic !== null && { thread: topic }) });
});
$("jump").addEventListener("submit", async (event) => {
  event.preventDefault();
  await post("/api/jump", {
    user: user(),
    step: `${$("jump-flow").value}.${$("jump-step").value}`,
    lang: $("jump-lang").value,
  });
});
$("jump-flow").addEventListener("change", renderSteps);
$("reset").addEventListener("click", async () => {
  await post("/api/reset", { user: user() });
  await loadChat();
});
$("new-parent").addEventListener("click", () => {
  window.open(`/?parent=${100000 + Math.floor(Math.random() * 800000)}`, "_blank");
});
$("parent-name").addEventListener("change", remember);
$("parent-lang").addEventListener("change", remember);
for (const tab of document.querySelectorAll(".tabs button")) {
  tab.addEventListener("click", () => {
    for (const other of document.querySelectorAll(".tabs button"))
      other.classList.toggle("active", other === tab);
    for (const panel of document.querySelectorAll(".tab"))
      panel.hidden = panel.id !== `tab-${tab.dataset.tab}`;
    if (tab.dataset.tab === "office") loadGroup();
  });
}

let typingTimer;
const events = new EventSource("/events");
events.addEventListener("chat", (event) => {
  const { chat } = JSON.parse(event.data);
  if (chat === parentId) loadChat();
  if (state && chat === state.group.id) loadGroup();
});
events.addEventListener("group", () => loadState().then(loadGroup));
events.addEventListener("typing", (event) => {
  if (JSON.parse(event.data).chat !== parentId) return;
  $("typing").textContent = "schreibt …";
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => ($("typing").textContent = "Bot"), 5000);
});
events.addEventListener("content", () => loadState());
events.addEventListener("violation", () => loadState());

applyDirection();
await loadState();
await loadChat();
// A new parent starts the chat, as Telegram's "Start" button does.
if (chatLength === 0) await post("/api/send", { user: user(), text: "/start" });
document.body.dataset.ready = "yes";
