"""The login page in Vietnamese. Gradio's own login form is labelled by the browser's language from
Gradio's translations, which have no Vietnamese ("Username", "Password", "Login", "Incorrect
Credentials" on every Vietnamese machine), and its page config carries no custom translations. So
LoginRequired (web.py) answers an anonymous GET of the app's page with this form; it posts to
Gradio's own /login (same check, same throttle, same session cookie) and reloads the page, whose
address (a shared link to a passage: ?doc=…&p=…) is kept."""
from __future__ import annotations

import html

TITLE = "Văn kiện — đăng nhập"
WRONG = "Sai tên đăng nhập hoặc mật khẩu."
NO_SERVER = "Không kết nối được máy chủ Văn kiện. Thử lại sau ít phút."

_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; background: #f4f6fa; color: #111;
       margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }}
form {{ background: #fff; border: 1px solid #c9d1e0; border-radius: 10px; padding: 28px 28px 22px;
       width: min(380px, 92vw); box-sizing: border-box; }}
h1 {{ font-size: 1.6rem; margin: 0 0 4px; color: #0b3d91; }}
p {{ font-size: 1rem; line-height: 1.45; margin: 0 0 16px; color: #333; }}
label {{ display: block; font-weight: 600; margin: 12px 0 4px; font-size: 1.05rem; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1.1rem; padding: 10px; border: 1px solid #8a94a6;
        border-radius: 6px; }}
button {{ margin-top: 18px; width: 100%; font-size: 1.15rem; padding: 11px; border: 0; border-radius: 6px;
         background: #0b3d91; color: #fff; font-weight: 600; cursor: pointer; }}
button[disabled] {{ opacity: .6; }}
#vk-login-error {{ color: #a30000; font-weight: 600; min-height: 1.4em; margin: 12px 0 0; }}
</style></head>
<body>
<form id="vk-login" autocomplete="on">
  <h1>Văn kiện</h1>
  <p>{message}</p>
  <label for="vk-login-name">Tên đăng nhập</label>
  <input id="vk-login-name" name="username" type="text" autocomplete="username" required autofocus>
  <label for="vk-login-password">Mật khẩu</label>
  <input id="vk-login-password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Đăng nhập</button>
  <p id="vk-login-error" role="alert"></p>
</form>
<script>
const form = document.getElementById('vk-login'), error = document.getElementById('vk-login-error');
form.addEventListener('submit', async (event) => {{
  event.preventDefault();
  const button = form.querySelector('button');
  button.disabled = true;
  error.textContent = 'Đang kiểm tra…';
  try {{
    const resp = await fetch('login', {{method: 'POST', credentials: 'same-origin',
                                       body: new URLSearchParams(new FormData(form))}});
    if (resp.ok) {{ window.location.reload(); return; }}
    let detail = '';
    try {{ detail = (await resp.json()).detail; }} catch (e) {{}}
    // a lockout (Retry-After) comes with its own Vietnamese sentence; Gradio's refusal is in English
    error.textContent = resp.headers.get('Retry-After') && typeof detail === 'string' ? detail : {wrong};
  }} catch (e) {{
    error.textContent = {no_server};
  }}
  button.disabled = false;
  document.getElementById('vk-login-password').select();
}});
</script>
</body></html>
"""


def login_page(message: str) -> bytes:
    """The whole page, `message` (the server's rule: who gives accounts, the lockout) under the title."""
    import json

    return _PAGE.format(title=TITLE, message=html.escape(message), wrong=json.dumps(WRONG, ensure_ascii=False),
                        no_server=json.dumps(NO_SERVER, ensure_ascii=False)).encode("utf-8")
