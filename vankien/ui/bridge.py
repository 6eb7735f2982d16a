"""Buttons inside plain HTML (result cards, answer sources, the pack list, a document's links) that
reach the server without a Gradio component each.

A tab that shows such HTML adds one hidden bridge: a textbox and a button. The page script below
(part of theme.HEAD) catches a click on any element with `data-vk-act="…" data-vk-key="…"`, writes
{"act", "key", "pos"} as JSON into the bridge of the tab the element is in and clicks its button;
the tab's handler then runs like any event. One event per click, however many cards a page shows,
and no gr.render on the search path (gr.render made the 50-user search p95 3–4 s, issue 17).
Dragging a `[data-vk-drag]` row onto another sends act "moveto" with the drop position.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import gradio as gr


@dataclass(frozen=True)
class Action:
    act: str
    key: str = ""
    pos: int = -1


def parse_action(payload: str) -> Action | None:
    """The bridge's JSON -> Action; None for anything else (a hand-written request)."""
    try:
        raw = json.loads(payload or "")
        act, key = str(raw.get("act", "")), str(raw.get("key", ""))
        pos = int(raw.get("pos", -1))
    except (ValueError, TypeError, AttributeError):
        return None
    return Action(act, key, pos) if act else None


def add_bridge(elem_id: str) -> tuple[gr.Textbox, gr.Button]:
    """The hidden textbox and button of one tab's bridge (in the page, not shown)."""
    box = gr.Textbox(visible="hidden", elem_id=f"{elem_id}-data", elem_classes="vk-bridge", container=False)
    go = gr.Button(visible="hidden", elem_id=f"{elem_id}-go", elem_classes="vk-bridge-go")
    return box, go


def action_button(label: str, act: str, key: str, css: str = "vk-act") -> str:
    """An HTML button for the bridge; `label` and `key` escaped."""
    import html

    return (f'<button type="button" class="{css}" data-vk-act="{html.escape(act)}" '
            f'data-vk-key="{html.escape(key)}">{html.escape(label)}</button>')


# The page's side: delegated listeners on the document, so HTML re-rendered by any event works.
BRIDGE_JS = """<script>
(() => {
  const send = (el, act, key, pos) => {
    const scope = el.closest('.tabitem, [role=tabpanel]') || document;
    const box = scope.querySelector('.vk-bridge textarea, .vk-bridge input');
    const go = scope.querySelector('.vk-bridge-go');
    if (!box || !go) return;
    box.value = JSON.stringify({act, key, pos, n: Date.now()});
    box.dispatchEvent(new Event('input', {bubbles: true}));
    setTimeout(() => go.click(), 30);
  };
  document.addEventListener('click', (ev) => {
    const goto = ev.target.closest('a[data-vk-goto]');
    if (goto) {
      ev.preventDefault();
      const el = document.getElementById(goto.dataset.vkGoto);
      if (el) { el.scrollIntoView({block: 'start'}); el.setAttribute('tabindex', '-1'); el.focus({preventScroll: true}); }
      return;
    }
    const copy = ev.target.closest('[data-vk-copylink]');
    if (copy) {
      const link = document.getElementById(copy.dataset.vkCopylink);
      const text = link ? new URL(link.getAttribute('href'), location.href).href : '';
      const done = () => { copy.textContent = 'Đã sao chép liên kết'; };
      if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, done); }
      else { const a = document.createElement('textarea'); a.value = text; document.body.appendChild(a); a.select();
             try { document.execCommand('copy'); } finally { document.body.removeChild(a); } done(); }
      return;
    }
    const el = ev.target.closest('[data-vk-act]');
    if (!el) return;
    if (el.tagName === 'A') ev.preventDefault();  // links open in place; their href still works elsewhere
    let act = el.dataset.vkAct;
    if (el.type === 'checkbox') act = el.checked ? 'tick' : 'untick';
    send(el, act, el.dataset.vkKey || '', -1);
  });
  let dragged = null;
  document.addEventListener('dragstart', (ev) => {
    const row = ev.target.closest && ev.target.closest('[data-vk-drag]');
    if (row) { dragged = row; ev.dataTransfer.effectAllowed = 'move'; ev.dataTransfer.setData('text/plain', row.dataset.vkDrag); }
  });
  document.addEventListener('dragover', (ev) => { if (dragged && ev.target.closest('[data-vk-drag]')) ev.preventDefault(); });
  document.addEventListener('drop', (ev) => {
    const row = ev.target.closest && ev.target.closest('[data-vk-drag]');
    if (!dragged || !row) return;
    ev.preventDefault();
    send(row, 'moveto', dragged.dataset.vkDrag, Number(row.dataset.vkPos));
    dragged = null;
  });
})();
</script>"""
