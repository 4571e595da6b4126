"""The sandbox provider's HTML pages: plain, French, and escaped."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = """
body{font-family:system-ui,sans-serif;background:#eef4fa;margin:0;padding:40px}
main{max-width:420px;margin:auto;background:#fff;border-radius:10px;padding:28px;
box-shadow:0 2px 8px #0002}h1{font-size:1.4em;color:#1f3b53}label{display:block;margin:12px 0 4px}
input{width:100%;padding:8px;font-size:1em;box-sizing:border-box}
button{margin-top:16px;padding:10px 16px;font-size:1em;border-radius:6px;border:1px solid #1f5f8b;
background:#1f5f8b;color:#fff}button.secondary{background:#fff;color:#1f5f8b}.error{color:#b3261e}
"""


def _page(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )


def login(target: str, error: str) -> str:
    problem = f"<p class='error'>{escape(error)}</p>" if error else ""
    return _page(
        "Connexion à la plateforme",
        f"""{problem}
<form method='post' action='/oauth/login'>
<input type='hidden' name='next' value='{escape(target)}'>
<label for='username'>Identifiant</label><input id='username' name='username' autofocus>
<label for='password'>Mot de passe</label>
<input id='password' name='password' type='password'>
<button type='submit'>Se connecter</button></form>""",
    )


_SCOPE_NAMES = {
    "profile": "votre nom",
    "email": "votre adresse e-mail",
    "offline_access": "rester connecté entre deux démarrages",
}


def consent(learner: dict[str, Any], scope: str) -> str:
    items = "".join(
        f"<li>{escape(_SCOPE_NAMES[s])}</li>" for s in scope.split() if s in _SCOPE_NAMES
    )
    return _page(
        "Autoriser Companion ?",
        f"""
<p>Bonjour {escape(learner["name"])}. L'application <strong>Companion</strong> demande :</p>
<ul>{items}<li>votre progression et vos certificats</li></ul>
<form method='post'><button name='decision' value='allow'>Autoriser</button>
<button class='secondary' name='decision' value='deny'>Refuser</button></form>""",
    )


def device(user_code: str, error: str) -> str:
    problem = f"<p class='error'>{escape(error)}</p>" if error else ""
    return _page(
        "Connecter un appareil",
        f"""{problem}
<p>Saisissez le code affiché par Companion.</p>
<form method='post'><label for='user_code'>Code</label>
<input id='user_code' name='user_code' value='{escape(user_code)}' autocomplete='off'>
<button name='decision' value='allow'>Autoriser cet appareil</button>
<button class='secondary' name='decision' value='deny'>Refuser</button></form>""",
    )


def device_done(approved: bool) -> str:
    if approved:
        return _page("Appareil connecté", "<p>Vous pouvez revenir à Companion.</p>")
    return _page("Connexion refusée", "<p>L'appareil n'a pas été connecté.</p>")


def error(message: str) -> str:
    return _page("Demande invalide", f"<p class='error'>{escape(message)}</p>")
