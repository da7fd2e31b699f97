-- CreatorPulse schema: the seed's tables with PRODUCT.md's corrections.
-- Timestamps are timestamptz and set by the application's clock (a port); triggers only fill
-- them for writes that do not (operators' hand-written SQL).
CREATE EXTENSION IF NOT EXISTS vector;

CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at = now();
    END IF;
    RETURN NEW;
END $$;

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    password_hash text NOT NULL,
    timezone text NOT NULL DEFAULT 'UTC',
    delivery_time time NOT NULL DEFAULT '08:00:00'
        CHECK (delivery_time BETWEEN '06:00:00' AND '22:00:00'),
    active boolean NOT NULL DEFAULT true,
    email_verified boolean NOT NULL DEFAULT false,
    email_notifications boolean NOT NULL DEFAULT true,
    mail_paused text CHECK (mail_paused IN ('bounced', 'spam_report', 'dropped', 'unsubscribed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_users_email ON users (email);
CREATE INDEX idx_users_active ON users (active) WHERE active;
CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Verification, reset and unsubscribe links: only the SHA-256 of each token is stored.
CREATE TABLE action_tokens (
    token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'unsubscribe')),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX idx_action_tokens_user ON action_tokens (user_id);
CREATE INDEX idx_action_tokens_expires ON action_tokens (expires_at);

CREATE TABLE sources (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type text NOT NULL CHECK (type IN ('rss', 'twitter')),
    url text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    active boolean NOT NULL DEFAULT true,
    last_checked timestamptz,
    error_count integer NOT NULL DEFAULT 0 CHECK (error_count >= 0),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, user_id)
);
CREATE INDEX idx_sources_user_id_active ON sources (user_id, active);
CREATE INDEX idx_sources_last_checked ON sources (last_checked) WHERE active;
CREATE INDEX idx_sources_error_count ON sources (error_count) WHERE error_count > 0;
CREATE TRIGGER update_sources_updated_at BEFORE UPDATE ON sources
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE user_style_posts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content text NOT NULL CHECK (char_length(content) BETWEEN 50 AND 3000),
    content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    processed boolean NOT NULL DEFAULT false,
    word_count integer NOT NULL CHECK (word_count >= 0),
    character_count integer NOT NULL CHECK (character_count = char_length(content)),
    created_at timestamptz NOT NULL DEFAULT now(),
    processed_at timestamptz,
    UNIQUE (user_id, content_hash),
    UNIQUE (id, user_id)
);
CREATE INDEX idx_style_posts_user_id_processed ON user_style_posts (user_id, processed);

-- Exact per-user cosine search (PRODUCT decision 6): a user has at most a few hundred chunks,
-- so the user_id index plus an exact scan is both exact and fast; no ivfflat on an empty table.
CREATE TABLE style_vectors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    style_post_id uuid NOT NULL,
    content text NOT NULL,
    embedding vector(768) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- A chunk can only belong to a post of the same user, whatever the code asks for.
    FOREIGN KEY (style_post_id, user_id) REFERENCES user_style_posts (id, user_id)
        ON DELETE CASCADE
);
CREATE INDEX idx_style_vectors_user_id ON style_vectors (user_id);
CREATE INDEX idx_style_vectors_post_id ON style_vectors (style_post_id);

-- Deduplicated per source, not globally (PRODUCT decision 5).
CREATE TABLE source_content (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_id uuid NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title text,
    content text NOT NULL CHECK (char_length(content) BETWEEN 10 AND 10000),
    url text,
    published_at timestamptz NOT NULL,
    processed boolean NOT NULL DEFAULT false,
    content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_id, content_hash),
    UNIQUE (id, user_id),
    FOREIGN KEY (source_id, user_id) REFERENCES sources (id, user_id) ON DELETE CASCADE
);
CREATE INDEX idx_source_content_source_id_processed ON source_content (source_id, processed);
CREATE INDEX idx_source_content_published_at ON source_content (published_at DESC);
CREATE INDEX idx_source_content_user_recent ON source_content (user_id, published_at DESC)
    WHERE NOT processed;

CREATE TABLE generated_drafts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content text NOT NULL CHECK (char_length(content) BETWEEN 50 AND 3000),
    source_content_id uuid,
    source_name text,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    feedback_token_hash text CHECK (feedback_token_hash ~ '^[0-9a-f]{64}$'),
    email_sent_at timestamptz,
    character_count integer NOT NULL CHECK (character_count = char_length(content)),
    engagement_score numeric(3, 1) NOT NULL CHECK (engagement_score BETWEEN 0 AND 10),
    generation_metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, user_id),
    FOREIGN KEY (source_content_id, user_id) REFERENCES source_content (id, user_id)
        ON DELETE SET NULL (source_content_id)
);
CREATE INDEX idx_drafts_user_id_created_at ON generated_drafts (user_id, created_at DESC);
CREATE INDEX idx_drafts_status ON generated_drafts (status);
CREATE UNIQUE INDEX idx_drafts_feedback_token ON generated_drafts (feedback_token_hash)
    WHERE feedback_token_hash IS NOT NULL;
CREATE TRIGGER update_drafts_updated_at BEFORE UPDATE ON generated_drafts
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- One vote per draft; a later vote replaces the earlier one (PRODUCT decision 12).
CREATE TABLE draft_feedback (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    draft_id uuid NOT NULL UNIQUE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    feedback_type text NOT NULL CHECK (feedback_type IN ('positive', 'negative')),
    feedback_source text NOT NULL DEFAULT 'email' CHECK (feedback_source IN ('email', 'dashboard')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (draft_id, user_id) REFERENCES generated_drafts (id, user_id) ON DELETE CASCADE
);
CREATE INDEX idx_feedback_type_created_at ON draft_feedback (feedback_type, created_at);
CREATE INDEX idx_feedback_user ON draft_feedback (user_id);

CREATE TABLE email_delivery_log (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email_type text NOT NULL DEFAULT 'daily_drafts' CHECK (email_type IN
        ('daily_drafts', 'welcome', 'verification', 'password_reset', 'notification')),
    local_date date,
    sendgrid_message_id text,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'sent', 'delivered', 'bounced', 'spam', 'failed')),
    draft_ids uuid[] NOT NULL DEFAULT '{}',
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    delivered_at timestamptz,
    error_message text,
    CHECK (email_type <> 'daily_drafts' OR local_date IS NOT NULL)
);
-- The daily email is claimed here before it is sent: one per user and local date, ever.
CREATE UNIQUE INDEX idx_email_log_daily_claim ON email_delivery_log (user_id, local_date)
    WHERE email_type = 'daily_drafts';
CREATE INDEX idx_email_log_user_id_sent_at ON email_delivery_log (user_id, sent_at DESC);
CREATE INDEX idx_email_log_status ON email_delivery_log (status);
CREATE INDEX idx_email_log_sendgrid_id ON email_delivery_log (sendgrid_message_id);
