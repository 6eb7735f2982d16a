"""How the web interface looks: the readable theme, its CSS and the small scripts buttons run."""
from __future__ import annotations

import gradio as gr

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
@media (max-width: 600px) {
  .gradio-container { padding: 6px !important; }
  .vk-header h1 { font-size: 25px; }
}
"""

# Copies a citation: navigator.clipboard where the page is a secure context (localhost is),
# a hidden textarea otherwise (a LAN address over plain http).
COPY_JS = """() => {
  const text = %s;
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

SCROLL_TO_PASSAGE_JS = """() => {
  const go = (tries) => {
    const el = document.getElementById('%s');
    if (el) { el.scrollIntoView({block: 'center'}); } else if (tries > 0) { setTimeout(() => go(tries - 1), 100); }
  };
  setTimeout(() => go(20), 50);
}""" % PASSAGE_ANCHOR

SCROLL_TOP_JS = "() => { window.scrollTo({top: 0}); }"
