"""Pages behind the links in our emails. Mail scanners prefetch every link, so a GET only
shows a page; the change happens on the POST its button sends (PRODUCT decision 10)."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any
from urllib.parse import quote

from dishka import FromDishka
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, Parameter

from creatorpulse.domain.model.drafts import FeedbackType
from creatorpulse.domain.model.errors import DomainError
from creatorpulse.entrypoints.http.controllers.feedback import record_vote
from creatorpulse.entrypoints.http.deps import inject
from creatorpulse.entrypoints.metrics import Metrics
from creatorpulse.entrypoints.use_cases import UseCases

_STYLE = (
    "body{font:16px/1.5 -apple-system,Segoe UI,Roboto,sans-serif;max-width:34rem;margin:4rem auto;"
    "padding:0 1rem;color:#1d2430;background:#f6f7f9}main{background:#fff;border-radius:12px;"
    "padding:2rem;box-shadow:0 1px 3px #0002}button{font:inherit;padding:.6rem 1.2rem;border:0;"
    "border-radius:8px;background:#0a66c2;color:#fff;cursor:pointer}input{font:inherit;"
    "padding:.5rem;width:100%;box-sizing:border-box;margin:.5rem 0 1rem}"
    "@media (prefers-color-scheme:dark){body{background:#111;color:#eee}main{background:#1c1f24}}"
)
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


def page(title: str, body: str, status: int = 200) -> Response[str]:
    """A small self-contained page; every dynamic value reaching here is escaped by callers."""
    html = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">'
        f"<title>{escape(title)} · CreatorPulse</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return Response(html, status_code=status, media_type=MediaType.HTML)


def confirm(
    title: str, text: str, action: str, label: str, fields: dict[str, str]
) -> Response[str]:
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items()
    )
    button = f"<button>{escape(label)}</button>"
    form = f'<form method="post" action="{escape(action)}">{hidden}{button}</form>'
    return page(title, f"<p>{escape(text)}</p>{form}")


def _segment(value: str) -> str:
    """A path segment for a form action: a `?`, `#` or `/` in a token must not re-route the POST."""
    return quote(value, safe="")


def failed(error: DomainError) -> Response[str]:
    status = 404 if error.kind == "not_found" else 422
    return page("That link did not work", f"<p>{escape(error.message)}</p>", status)


class PagesController(Controller):
    path = "/"
    include_in_schema = False

    @get("/feedback/{token:str}/{vote:str}")
    async def feedback_page(self, token: FromPath[str], vote: FromPath[str]) -> Response[str]:
        thumbs = "👍 Use this draft" if vote == FeedbackType.POSITIVE else "👎 Not for me"
        return confirm(
            "Record your vote?", "One click tells us what to write more (or less) of.",
            f"/feedback/{_segment(token)}/{_segment(vote)}", thumbs, {},
        )  # fmt: skip

    @post("/feedback/{token:str}/{vote:str}", status_code=200)
    @inject
    async def feedback_vote(
        self,
        token: FromPath[str],
        vote: FromPath[str],
        cases: FromDishka[UseCases],
        metrics: FromDishka[Metrics],
    ) -> Response[str]:
        try:
            message = await record_vote(cases, metrics, token, vote)
        except DomainError as error:
            return failed(error)
        return page("Thanks!", f"<p>{escape(message.capitalize())}. You can close this tab.</p>")

    @get("/verify-email")
    async def verify_page(self, token: str = Parameter(default="")) -> Response[str]:
        return confirm(
            "Verify your email", "Confirm this address to start receiving drafts.",
            "/verify-email", "Verify my email", {"token": token},
        )  # fmt: skip

    @post("/verify-email", status_code=200)
    @inject
    async def verify(
        self, data: Form, cases: FromDishka[UseCases], metrics: FromDishka[Metrics]
    ) -> Response[str]:
        try:
            user = await cases.verify_email(data.get("token", ""))
        except DomainError as error:
            return failed(error)
        metrics.event("verifications")
        return page("Email verified", f"<p>{escape(user.email)} is verified. You can sign in.</p>")

    @get("/unsubscribe/{token:str}")
    async def unsubscribe_page(self, token: FromPath[str]) -> Response[str]:
        return confirm(
            "Stop the daily email?", "You can turn it back on in your settings at any time.",
            f"/unsubscribe/{_segment(token)}", "Unsubscribe", {},
        )  # fmt: skip

    @post("/unsubscribe/{token:str}", status_code=200)
    @inject
    async def unsubscribe(
        self, request: Request[Any, Any, Any], token: FromPath[str], cases: FromDishka[UseCases]
    ) -> Response[str]:
        await (
            request.body()
        )  # RFC 8058 one-click sends List-Unsubscribe=One-Click; any body is fine
        try:
            await cases.unsubscribe(token)
        except DomainError as error:
            return failed(error)
        return page(
            "You are unsubscribed", "<p>No more daily emails. Your drafts stay in the app.</p>"
        )

    @get("/reset-password")
    async def reset_page(self, token: str = Parameter(default="")) -> Response[str]:
        form = (
            '<form method="post" action="/reset-password">'
            f'<input type="hidden" name="token" value="{escape(token)}">'
            '<label>New password (8 to 128 characters)<input type="password" name="password" '
            'minlength="8" maxlength="128" required autocomplete="new-password"></label>'
            "<button>Set my new password</button></form>"
        )
        return page("Choose a new password", form)

    @post("/reset-password", status_code=200)
    @inject
    async def reset(self, data: Form, cases: FromDishka[UseCases]) -> Response[str]:
        try:
            await cases.reset_password(data.get("token", ""), data.get("password", ""))
        except DomainError as error:
            return failed(error)
        return page("Password changed", "<p>Sign in with your new password.</p>")
