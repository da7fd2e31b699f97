"""Every use case, built once from the ports: the one place they are wired together."""

from __future__ import annotations

from creatorpulse.domain.use_cases.account import Account
from creatorpulse.domain.use_cases.authenticate import Authenticate
from creatorpulse.domain.use_cases.cleanup import Cleanup
from creatorpulse.domain.use_cases.delivery_events import ApplyDeliveryEvent
from creatorpulse.domain.use_cases.generate_drafts import GenerateDrafts
from creatorpulse.domain.use_cases.import_posts import ImportStylePosts
from creatorpulse.domain.use_cases.manage_sources import (
    AddSource,
    ListSources,
    RemoveSource,
    SourceFetchers,
    UpdateSource,
)
from creatorpulse.domain.use_cases.outbound_mail import SendTransactionalEmail
from creatorpulse.domain.use_cases.process_style import ProcessStylePosts
from creatorpulse.domain.use_cases.read_drafts import ReadDrafts
from creatorpulse.domain.use_cases.record_feedback import RecordFeedback
from creatorpulse.domain.use_cases.refresh_feeds import RefreshFeeds
from creatorpulse.domain.use_cases.refresh_source import RefreshSource
from creatorpulse.domain.use_cases.register import RegisterUser
from creatorpulse.domain.use_cases.reset_password import RequestPasswordReset, ResetPassword
from creatorpulse.domain.use_cases.send_daily_email import SendDailyEmail
from creatorpulse.domain.use_cases.style_posts import AddStylePosts, ListStylePosts, RemoveStylePost
from creatorpulse.domain.use_cases.style_profile import ReadStyleProfile
from creatorpulse.domain.use_cases.style_training import StyleTraining
from creatorpulse.domain.use_cases.unsubscribe import Unsubscribe
from creatorpulse.domain.use_cases.verify_email import VerifyEmail
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.embedder import Embedder
from creatorpulse.ports.generator import DraftGenerator
from creatorpulse.ports.ids import IdGenerator, TokenGenerator
from creatorpulse.ports.language import LanguageDetector
from creatorpulse.ports.mailer import Mailer
from creatorpulse.ports.passwords import PasswordHasher
from creatorpulse.ports.storage import UnitOfWorkFactory


class Ports:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        tokens: TokenGenerator,
        hasher: PasswordHasher,
        language: LanguageDetector,
        embedder: Embedder,
        generator: DraftGenerator,
        mailer: Mailer,
        fetchers: SourceFetchers,
    ) -> None:
        self.uow, self.clock, self.ids, self.tokens = uow, clock, ids, tokens
        self.hasher, self.language, self.embedder = hasher, language, embedder
        self.generator, self.mailer, self.fetchers = generator, mailer, fetchers


class UseCases:
    def __init__(self, p: Ports, *, base_url: str, similarity_floor: float = 0.7) -> None:
        self.ports = p
        mail = SendTransactionalEmail(p.uow, p.mailer, p.clock, p.ids)
        self.register = RegisterUser(p.uow, p.hasher, p.clock, p.ids, p.tokens, mail, base_url)
        self.verify_email = VerifyEmail(p.uow, p.clock, mail, base_url)
        self.authenticate = Authenticate(p.uow, p.hasher, p.clock)
        self.request_reset = RequestPasswordReset(p.uow, p.clock, p.tokens, mail, base_url)
        self.reset_password = ResetPassword(p.uow, p.hasher, p.clock)
        self.account = Account(p.uow, p.clock)
        self.add_source = AddSource(p.uow, p.fetchers, p.clock, p.ids, p.language)
        self.update_source = UpdateSource(p.uow, p.clock)
        self.remove_source = RemoveSource(p.uow)
        self.list_sources = ListSources(p.uow)
        self.refresh_source = RefreshSource(
            p.uow, p.fetchers, p.clock, p.ids, p.language, mail, base_url
        )
        self.refresh_feeds = RefreshFeeds(
            p.uow, p.fetchers, p.clock, p.ids, p.language, mail, base_url
        )
        self.add_style_posts = AddStylePosts(p.uow, p.clock, p.ids, p.language)
        self.list_style_posts = ListStylePosts(p.uow)
        self.remove_style_post = RemoveStylePost(p.uow)
        self.process_style = ProcessStylePosts(p.uow, p.embedder, p.clock, p.ids)
        self.style_training = StyleTraining(p.uow, self.process_style, p.clock, p.ids)
        self.style_profile = ReadStyleProfile(p.uow, p.clock)
        self.import_posts = ImportStylePosts(p.uow, p.clock, p.ids, p.language)
        self.generate_drafts = GenerateDrafts(
            p.uow, p.embedder, p.generator, p.clock, p.ids, p.language, similarity_floor
        )
        self.send_daily_email = SendDailyEmail(p.uow, p.mailer, p.clock, p.ids, p.tokens, base_url)
        self.record_feedback = RecordFeedback(p.uow, p.clock, p.ids)
        self.read_drafts = ReadDrafts(p.uow, p.clock)
        self.unsubscribe = Unsubscribe(p.uow, p.clock)
        self.cleanup = Cleanup(p.uow, p.clock)
        self.apply_delivery_event = ApplyDeliveryEvent(p.uow, p.clock)
