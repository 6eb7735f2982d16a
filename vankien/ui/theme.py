"""How the web interface looks: the readable theme, its CSS and the small scripts buttons run."""
from __future__ import annotations

import json

import gradio as gr

from vankien.ui.bridge import BRIDGE_JS

PASSAGE_ANCHOR = "vk-doan-dang-xem"  # id of the passage to scroll to in the full-text view

# Large type and strong contrast for older readers; system fonts only, nothing fetched from the web.
THEME = gr.themes.Default(
    primary_hue=gr.themes.colors.blue,
    neutral_hue=gr.themes.colors.gray,
    text_size=gr.themes.Size(xxs="13px", xs="15px", sm="17px", md="19px", lg="21px", xl="25px",
                             xxl="30px", name="vankien"),
    font=["Noto Sans", "Segoe UI", "Roboto", "Arial", "sans-serif"],
    font_mono=["Noto Sans Mono", "Consolas", "monospace"],
).set(
    body_text_color="#111111",
    body_text_color_subdued="#333333",
    block_label_text_color="#111111",
    block_title_text_color="#111111",
    input_placeholder_color="#555555",
    button_primary_background_fill="#0b3d91",
    button_primary_background_fill_hover="#082c69",
    button_primary_text_color="#ffffff",
    button_secondary_background_fill="#e8eef9",
    button_secondary_text_color="#0b3d91",
    button_secondary_border_color="#0b3d91",
)

CSS = """
.gradio-container { font-size: 19px; line-height: 1.6; max-width: 1100px !important; margin: auto; }
.vk-header h1 { font-size: 30px; margin: 0; color: #7a0000; }
.vk-header p { margin: 4px 0 0; }
.vk-card { border: 2px solid #c9d3e6 !important; border-radius: 10px; padding: 6px 10px; margin-bottom: 14px; }
.vk-card h3 { font-size: 21px; margin: 4px 0 8px; color: #0b3d91; }
.vk-card-actions { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0 4px; }
.vk-card-btn { min-height: 48px; min-width: 150px; padding: 6px 16px; font-size: 18px; border-radius: 8px;
               border: 1px solid #9aa9c7; background: #f3f6fb; color: #0b3d91; cursor: pointer; }
.vk-card-btn:hover { background: #e2e9f6; }
#vk-toast { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); z-index: 1000;
            background: #1f2937; color: #fff; padding: 10px 18px; border-radius: 8px; font-size: 18px;
            opacity: 0; transition: opacity .2s; pointer-events: none; }
#vk-toast.vk-show { opacity: 1; }
.vk-snippet, .vk-doc-body { white-space: pre-wrap; overflow-wrap: anywhere; color: #111; }
.vk-citation { margin-top: 10px; padding: 8px 10px; background: #fff7e0; border-left: 5px solid #b8860b;
               font-weight: 600; color: #111; overflow-wrap: anywhere; }
mark { background: #ffe066; color: #000; padding: 0 2px; border-radius: 3px; }
.vk-passage { background: #eaf2ff; border-left: 6px solid #0b3d91; padding: 8px 12px; margin: 10px 0;
              scroll-margin-top: 80px; }
.vk-doc-body { font-size: 19px; }
.vk-message { font-size: 19px; padding: 4px 0; }
.vk-message.vk-error { color: #a00000; font-weight: 600; }
button { min-height: 48px; }
button[role="tab"] { font-size: 20px; color: #111; }
button[role="tab"][aria-selected="true"] { color: #0b3d91; font-weight: 700; }
/* Tables: the readable text font (monospace fallbacks garble Vietnamese marks), scrolled inside
   their own box so a phone-width page never grows sideways. */
.vk-table, .vk-table * { font-family: var(--font) !important; font-size: 17px; }
.vk-table { contain: inline-size; }
.gradio-container, .vk-card, .vk-card-body { max-width: 100%; min-width: 0; }
/* Five tabs do not fit a phone's width in one row: let the tab bar wrap instead of widening the page. */
.tab-wrapper, .tab-container { flex-wrap: wrap !important; height: auto !important; max-width: 100%; }
.tab-container button[role="tab"] { white-space: normal; }
/* Keyboard users see where they are: a 3 px ring on whatever has the focus. */
:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, a:focus-visible,
[role="tab"]:focus-visible { outline: 3px solid #b8860b !important; outline-offset: 2px !important; }
/* Tap targets of at least 44 px for fingers and unsteady hands: checkboxes, icon buttons, links. */
input[type="checkbox"], input[type="radio"] { width: 28px !important; height: 28px !important; }
label:has(> input[type="checkbox"]), label:has(> input[type="radio"]) { min-height: 44px; align-items: center; }
button, [role="tab"], .icon-button, a.download-link { min-height: 44px; min-width: 44px; }
/* The document view: properties panel, table of contents, tables as tables, related links. */
.vk-doc-heading { font-size: 25px; color: #0b3d91; margin: 6px 0 10px; }
.vk-props { border-collapse: collapse; margin: 0 0 10px; width: 100%; }
.vk-props th, .vk-props td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid #d5dbe6; }
.vk-props th { width: 11em; color: #333; font-weight: 600; background: #f3f6fb; }
.vk-toc { margin: 8px 0 12px; border: 1px solid #c9d3e6; border-radius: 8px; padding: 6px 12px; }
.vk-toc summary { font-weight: 700; cursor: pointer; min-height: 44px; display: flex; align-items: center; }
.vk-toc ul { list-style: none; padding-left: 0; margin: 4px 0; }
.vk-toc li a { display: inline-block; min-height: 44px; padding: 8px 0; color: #0b3d91; }
.vk-toc-2 { padding-left: 1.2em; } .vk-toc-3 { padding-left: 2.4em; font-size: 17px; }
.vk-anchor { scroll-margin-top: 80px; }
.vk-table-wrap { overflow-x: auto; max-width: 100%; }
.vk-doc-table { border-collapse: collapse; margin: 8px 0; white-space: normal; }
.vk-doc-table td { border: 1px solid #8893a6; padding: 4px 8px; vertical-align: top; }
.vk-related h4 { margin: 12px 0 4px; } .vk-related a { color: #0b3d91; font-weight: 600; }
.vk-related li, .vk-share a { min-height: 44px; line-height: 1.6; }
.vk-share a { color: #0b3d91; font-weight: 600; display: inline-block; padding: 8px 0; }
.vk-act { min-height: 44px; min-width: 44px; padding: 6px 14px; margin: 6px 8px 0 0; font-size: 17px;
          border: 2px solid #0b3d91; border-radius: 8px; background: #e8eef9; color: #0b3d91; cursor: pointer; }
.vk-act:hover { background: #d5e1f6; }
/* The pack's one list: large checkboxes, rows that can be dragged. */
.vk-pack-list { padding-left: 0; list-style: none; }
.vk-pack-row { border: 2px solid #c9d3e6; border-radius: 10px; padding: 8px 12px; margin: 0 0 10px; background: #fff; }
.vk-pack-row.vk-in-pack { border-color: #0b3d91; background: #f7f9fd; }
.vk-pack-row[draggable="true"] { cursor: grab; }
.vk-pack-check { display: flex; gap: 12px; align-items: center; min-height: 44px; cursor: pointer; }
.vk-pack-check input[type="checkbox"] { width: 32px !important; height: 32px !important; flex: none; }
.vk-pack-text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; }
/* Văn bản tab: fixed columns, the title wraps; type, number, date and issuer stay in view at 1280 px. */
#vk-documents table { table-layout: fixed; width: 100%; }
#vk-documents th, #vk-documents td { white-space: normal !important; overflow-wrap: break-word; word-break: normal; }
#vk-documents tbody tr { cursor: pointer; }
/* Progress in the text font (the monospace fallback garbles Vietnamese marks). */
.progress-text, .meta-text, .meta-text-center, .progress-level, .eta-bar { font-family: var(--font) !important; }
@media (max-width: 600px) {
  .gradio-container { padding: 6px !important; }
  .vk-props th { width: 7em; }
  .vk-header h1 { font-size: 25px; }
}
"""

# Gradio's own words the user sees or hears (labels of its icon buttons, status lines), English and
# hard-coded in its components, with no Vietnamese locale to switch to: translated in the page.
GRADIO_WORDS_VI = {
    "Copy": "Chép", "Copied": "Đã chép", "Copy table data": "Chép dữ liệu bảng",
    "Copied to clipboard": "Đã chép", "Copy message": "Chép", "Fullscreen": "Toàn màn hình",
    "Exit fullscreen mode": "Thoát toàn màn hình", "Exit fullscreen": "Thoát toàn màn hình",
    "Table actions": "Thao tác với bảng", "Empty value": "Chưa có", "More tabs": "Các thẻ khác",
    "Download": "Tải về", "Clear": "Xóa", "Remove": "Bỏ", "Close": "Đóng", "Share": "Chia sẻ",
    "Info": "Thông tin", "Error": "Lỗi", "Warning": "Cảnh báo", "Success": "Xong",
    "common.complete": "Xong", "Loading...": "Đang tải…", "Drop File Here": "Thả tệp vào đây",
    "Click to Upload": "Bấm để chọn tệp", "- or -": "- hoặc -", "Upload": "Tải lên",
    "Sort ascending": "Xếp tăng dần", "Sort descending": "Xếp giảm dần", "Clear sort": "Bỏ sắp xếp",
    "Filter": "Lọc", "Search": "Tìm", "Select all": "Chọn tất cả", "Logout": "Đăng xuất",
    "Login": "Đăng nhập", "username": "tên đăng nhập", "password": "mật khẩu",
}

# The page is Vietnamese: screen readers pick their voice from <html lang>, which Gradio's page
# template sets to "en". The observer translates Gradio's words as components appear: whole text
# nodes and the aria-label / title / placeholder attributes that equal one of them exactly, and the
# status lines "processing | 1.2s" and "2/3 steps". Document text never equals one of these words.
HEAD = """<script>
document.documentElement.lang = 'vi';
(() => {
  const words = %s;
  const status = [[/^processing(\\s*\\|.*)?$/, (m) => 'đang xử lý' + (m[1] || '')],
                  [/^(\\d+)\\s*\\/\\s*(\\d+)\\s*steps?$/, (m) => m[1] + '/' + m[2] + ' bước'],
                  [/^queue:\\s*(.*)$/, (m) => 'hàng đợi: ' + m[1]]];
  const say = (text) => {
    const key = text.trim();
    if (words[key]) return text.replace(key, words[key]);
    for (const [re, fn] of status) { const m = key.match(re); if (m) return text.replace(key, fn(m)); }
    return null;
  };
  const fix = (root) => {
    if (root.nodeType === 3) { const v = say(root.nodeValue); if (v !== null) root.nodeValue = v; return; }
    if (root.nodeType !== 1) return;
    for (const el of [root, ...root.querySelectorAll('[aria-label],[title],[placeholder]')]) {
      for (const a of ['aria-label', 'title', 'placeholder']) {
        const v = el.getAttribute && el.getAttribute(a); const t = v && say(v); if (t) el.setAttribute(a, t);
      }
    }
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) { const n = walk.currentNode; const v = say(n.nodeValue); if (v !== null) n.nodeValue = v; }
  };
  // With wrapped tabs Gradio still appends a second copy of the selected tab (its "overflow" slot)
  // at the end of the bar: on a phone "Chủ đề" showed twice, with one id on two buttons. Hide it.
  const dedupeTabs = () => {
    for (const bar of document.querySelectorAll('.tab-container')) {
      const seen = new Set();
      for (const tab of bar.querySelectorAll(':scope > button[role="tab"]')) {
        const id = tab.dataset.tabId;
        const again = id != null && seen.has(id);
        if (again !== (tab.style.display === 'none')) tab.style.display = again ? 'none' : '';
        if (again) tab.removeAttribute('id'); else seen.add(id);
      }
    }
  };
  new MutationObserver((changes) => {
    for (const c of changes) {
      if (c.type === 'characterData') fix(c.target);
      else if (c.type === 'attributes') fix(c.target);
      else c.addedNodes.forEach(fix);
    }
    dedupeTabs();
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true, attributes: true,
                                          attributeFilter: ['aria-label', 'title', 'placeholder']});
})();
</script>""" % json.dumps(GRADIO_WORDS_VI, ensure_ascii=False) + BRIDGE_JS

# Copies a citation: navigator.clipboard where the page is a secure context (localhost is),
# a hidden textarea otherwise (a LAN address over plain http).
COPY_JS = """(text) => {
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', ''); area.style.position = 'fixed';
    area.style.opacity = '0'; document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); } finally { document.body.removeChild(area); }
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).catch(fallback);
  } else { fallback(); }
}"""

# The result list's buttons (js_on_load of its gr.HTML; `element` is the list, `trigger` sends an event
# to the server): "Xem toàn văn" sends the card's number, "Sao chép trích dẫn" copies in the browser
# and says so in a toast, with no server round trip.
RESULTS_JS = """
element.addEventListener('click', (event) => {
  const open = event.target.closest('[data-vk-open]');
  if (open) {  // remembered for "Quay lại", which returns to this card (document_view.back_to_card_js)
    const n = Number(open.dataset.vkOpen);
    window.__vk_opened = Object.assign(window.__vk_opened || {}, {'.vk-card h3': n - 1});
    trigger('click', {card: n});
    return;
  }
  const copy = event.target.closest('[data-vk-copy]');
  if (!copy) return;
  (%s)(copy.dataset.vkCopy);
  let toast = document.getElementById('vk-toast');
  if (!toast) {
    toast = document.createElement('div'); toast.id = 'vk-toast'; toast.setAttribute('role', 'status');
    document.body.appendChild(toast);
  }
  toast.textContent = 'Đã sao chép trích dẫn.'; toast.classList.add('vk-show');
  clearTimeout(toast.vkTimer); toast.vkTimer = setTimeout(() => toast.classList.remove('vk-show'), 2500);
});
""" % COPY_JS

