"""The weekly digest (issue 14 §6): the overview's alerts, costliest first, with their euros and
a link to the page that explains each, e-mailed to the chosen accounts.

Each person receives what their role lets them see (model/views/access.py: their pages, their
pôle, no hourly cost unless direction), in their language, as a text and an html part. The
mail server comes from the environment (`MailServer.from_environment`); nothing is sent
without `--send`. Run weekly by cron (README).
"""

from __future__ import annotations

import html
import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from model.accounts import User
from model.formatting import day
from model.kpi.frames import Facts
from model.kpi.settings import KpiSettings
from model.roles import DASHBOARDS, Viewer, pages
from model.texts import text
from model.views.access import alerts_for
from model.views.headlines import Alert

SECURITY = ("starttls", "ssl", "none")


class DigestError(ValueError):
    """The digest cannot be made or sent; the message is a French sentence for the user."""


@dataclass(frozen=True)
class Digest:
    name: str
    email: str
    language: str
    subject: str
    alerts: list[Alert]
    links: list[str]
    text: str
    html: str

    def to_json(self) -> dict:
        items = zip(self.alerts, self.links, strict=True)
        return {
            "to": self.name,
            "email": self.email,
            "language": self.language,
            "subject": self.subject,
            "alerts": [_alert_json(alert, link, self.language) for alert, link in items],
        }


def _alert_json(alert: Alert, link: str, lang: str) -> dict:
    amount = None if alert.cost_cents is None else round(alert.cost_cents / 100, 2)
    return {"page": alert.page, "text": alert.text(lang), "amount": amount, "link": link}


def recipients(users: list[User], names: list[str]) -> list[User]:
    """The chosen accounts (every active one with an address and a dashboard, by default)."""
    if not names:
        return [u for u in users if u.active and u.email and _reads_dashboards(u.role)]
    by_name = {u.name: u for u in users}
    chosen = []
    for name in names:
        user = by_name.get(name.strip())
        if user is None or not user.active:
            raise DigestError(f"Aucun compte actif « {name.strip()} ».")
        if not user.email:
            raise DigestError(
                f"Le compte « {user.name} » n'a pas d'adresse e-mail : le résumé ne peut lui "
                "être envoyé."
            )
        if not _reads_dashboards(user.role):
            raise DigestError(
                f"Le rôle du compte « {user.name} » n'ouvre aucun tableau de bord : il n'a pas "
                "d'alertes à recevoir."
            )
        chosen.append(user)
    return chosen


def _reads_dashboards(role: str) -> bool:
    return any(page in DASHBOARDS for page in pages(role))


def compose(
    user: User, facts: Facts, settings: KpiSettings, *, as_of: date, base_url: str
) -> Digest:
    lang = user.language
    alerts = alerts_for(Viewer(user.name, user.role, user.team), facts, settings, as_of=as_of)
    links = [f"{base_url.rstrip('/')}/{alert.page}?date={as_of.isoformat()}" for alert in alerts]
    when = day(as_of, lang)
    subject = (
        text("digest.subject", lang, count=len(alerts), date=when)
        if alerts
        else text("digest.subject_none", lang, date=when)
    )
    return Digest(
        user.name, user.email or "", lang, subject, alerts, links,
        _text_part(user, alerts, links, when, base_url), _html_part(user, alerts, links, when),
    )  # fmt: skip


def _text_part(user: User, alerts: list[Alert], links: list[str], when: str, base: str) -> str:
    lang = user.language
    lines = [text("digest.hello", lang, name=user.name), ""]
    if not alerts:
        lines.append(text("digest.none", lang, date=when))
    else:
        lines.append(text("digest.intro", lang, date=when))
        lines.append("")
        for number, (alert, link) in enumerate(zip(alerts, links, strict=True), start=1):
            lines.append(f"{number}. {alert.text(lang)}")
            lines.append(f"   → {text('digest.link', lang, page=text(alert.page, lang), url=link)}")
    lines += ["", text("digest.footer", lang, url=base)]
    return "\n".join(lines) + "\n"


def _html_part(user: User, alerts: list[Alert], links: list[str], when: str) -> str:
    """Every name from the data escaped: a client called `<a href=…>` stays text."""
    lang = user.language
    escape = html.escape
    body = [f"<p>{escape(text('digest.hello', lang, name=user.name))}</p>"]
    if not alerts:
        body.append(f"<p>{escape(text('digest.none', lang, date=when))}</p>")
    else:
        body.append(f"<p>{escape(text('digest.intro', lang, date=when))}</p><ol>")
        for alert, link in zip(alerts, links, strict=True):
            body.append(
                f'<li>{escape(alert.text(lang))}<br><a href="{escape(link)}">'
                f"{escape(text(alert.page, lang))}</a></li>"
            )
        body.append("</ol>")
    return f'<html lang="{lang}"><body>{"".join(body)}</body></html>\n'


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    security: str
    sender: str
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_environment(cls) -> MailServer:
        host = os.environ.get("PILOTAGE_SMTP_HOST", "").strip()
        if not host:
            raise DigestError(
                "Aucun serveur de courrier : indiquez-le dans PILOTAGE_SMTP_HOST (et "
                "PILOTAGE_SMTP_PORT, PILOTAGE_SMTP_SECURITY, PILOTAGE_SMTP_FROM, "
                "PILOTAGE_SMTP_USER, PILOTAGE_SMTP_PASSWORD selon le serveur)."
            )
        security = os.environ.get("PILOTAGE_SMTP_SECURITY", "starttls").strip() or "starttls"
        if security not in SECURITY:
            raise DigestError(
                f"PILOTAGE_SMTP_SECURITY vaut « {security} » : attendu {', '.join(SECURITY)}."
            )
        default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
        raw_port = os.environ.get("PILOTAGE_SMTP_PORT", "").strip() or str(default_port)
        if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
            raise DigestError(f"PILOTAGE_SMTP_PORT vaut « {raw_port} » : un port est attendu.")
        sender = os.environ.get("PILOTAGE_SMTP_FROM", "").strip()
        if "@" not in sender:
            raise DigestError("PILOTAGE_SMTP_FROM doit donner l'adresse d'expédition du résumé.")
        return cls(host, int(raw_port), security, sender,
                   os.environ.get("PILOTAGE_SMTP_USER") or None,
                   os.environ.get("PILOTAGE_SMTP_PASSWORD") or None)  # fmt: skip

    def send(self, digests: list[Digest]) -> None:
        """One message per person, over one connection."""
        try:
            with self._connect() as smtp:
                for digest in digests:
                    smtp.send_message(self._message(digest))
        except (OSError, smtplib.SMTPException) as failure:
            raise DigestError(
                f"Le serveur de courrier {self.host}:{self.port} a refusé ou n'a pas répondu "
                f"({failure}) : résumé non envoyé."
            ) from failure

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=30,
                                                  context=context)  # fmt: skip
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=30)
            if self.security == "starttls":
                smtp.starttls(context=context)
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp

    def _message(self, digest: Digest) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = digest.subject
        message["From"] = formataddr(("Pilotage", self.sender))
        message["To"] = formataddr((digest.name, digest.email))
        message["Message-ID"] = make_msgid(domain=self.sender.split("@")[1])
        message.set_content(digest.text)
        message.add_alternative(digest.html, subtype="html")
        return message
