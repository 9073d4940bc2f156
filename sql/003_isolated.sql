-- SPDX-License-Identifier: Apache-2.0
--
-- 003_isolated.sql: the isolated backend. Tenants' login roles are made members of role
-- pgmq_bus_client, which may execute the SECURITY DEFINER wrappers public.bus_* and nothing else:
-- no table, no pgmq.* or pgmq_bus.* function. Queue names are allocated here
-- ('bus_' + 32 hex digits) and are opaque; every call that names a queue must also name its
-- channel, and the pair must be registered, so knowing a channel's name is the capability to use
-- it. The wrappers' signatures form a contract shared with other clients (e.g. the Python bus).
--
-- Requires 002_bus_schema.sql. The role running it needs CREATEROLE (for pgmq_bus_client), and
-- becomes the owner, i.e. the identity the wrappers run as.
--
-- Apply:   psql -v ON_ERROR_STOP=1 -d <database> -f sql/003_isolated.sql
--          then, per tenant: CREATE ROLE app LOGIN PASSWORD '...'; GRANT pgmq_bus_client TO app;
--
-- Idempotent: running it again changes nothing. It runs in one transaction.
--
-- Note: it revokes every PUBLIC privilege on schemas pgmq and pgmq_bus. Roles using the direct
-- backend (calling pgmq.* themselves) must own those objects or be granted access explicitly.
--
-- Errors: a (queue, channel) pair that is not registered to the calling login role gives SQLSTATE
-- 42501 with the message 'queue is not a member of channel', whether or not the queue exists and
-- whoever owns it: a queue belongs to the role that joined it (session_user), and no other role
-- can tell it from a queue that does not exist.
--
-- Refuses to install where PUBLIC or pgmq_bus_client may CREATE in schema public (the default
-- before PostgreSQL 15): a tenant could create there an overload of a wrapper that is a better
-- match for an untyped or varchar argument, and run in other tenants' sessions with their
-- queues as arguments. Fix: REVOKE CREATE ON SCHEMA public FROM PUBLIC; (and from
-- pgmq_bus_client), then apply this script again.

BEGIN;

SET LOCAL client_min_messages = warning;

DO $$
BEGIN
    IF pg_catalog.to_regclass('pgmq_bus.subscription') IS NULL THEN
        RAISE EXCEPTION 'pgmq_bus is not installed: apply 002_bus_schema.sql first' USING ERRCODE = '3F000';
    END IF;
    IF pg_catalog.has_schema_privilege('public', 'public', 'CREATE') THEN
        RAISE EXCEPTION 'schema public allows CREATE to PUBLIC: a tenant could capture the bus_* wrappers with overloads'
            USING ERRCODE = '42501',
                  HINT = 'run REVOKE CREATE ON SCHEMA public FROM PUBLIC; (the default since PostgreSQL 15), then apply 003_isolated.sql again';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pgmq_bus_client')
       AND pg_catalog.has_schema_privilege('pgmq_bus_client', 'public', 'CREATE') THEN
        RAISE EXCEPTION 'schema public allows CREATE to pgmq_bus_client: a tenant could capture the bus_* wrappers with overloads'
            USING ERRCODE = '42501',
                  HINT = 'run REVOKE CREATE ON SCHEMA public FROM pgmq_bus_client; (and from any role granted to it), then apply 003_isolated.sql again';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'pgmq_bus_client') THEN
        BEGIN
            CREATE ROLE pgmq_bus_client NOLOGIN;
        EXCEPTION WHEN duplicate_object THEN
            NULL;   -- created meanwhile by an install into another database of the cluster
        END;
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Helpers (schema pgmq_bus, so not reachable by tenants)
-- ---------------------------------------------------------------------------------------------

-- Subscriptions joined through the first version of these wrappers recorded their role as node:
-- it becomes their owner.
UPDATE pgmq_bus.subscription s
   SET owner = s.node::name
 WHERE s.owner IS NULL
   AND s.queue_name ~ '^bus_[0-9a-f]{32}$'
   AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = s.node);

-- Owned queues of the first version notified their queue name: each gets its token now (a reader of
-- the first version then polls until it is redeployed, rather than every role learning its queue).
DO $$
DECLARE
    v_queue text;
    v_token text;
BEGIN
    FOR v_queue IN SELECT s.queue_name FROM pgmq_bus.subscription s
                    WHERE s.owner IS NOT NULL AND s.wake_token IS NULL ORDER BY 1
    LOOP
        v_token := 'w' || pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '');
        UPDATE pgmq_bus.subscription s SET wake_token = v_token WHERE s.queue_name = v_queue;
        IF pgmq_bus._queue_exists(v_queue) THEN
            PERFORM pgmq_bus.enable_notify(v_queue, v_token);
        END IF;
    END LOOP;
END
$$;

-- The registered subscription of (p_queue, p_channel) owned by the calling login role, or error
-- 42501 (the same for a queue that does not exist, of another channel, or of another role).
CREATE OR REPLACE FUNCTION pgmq_bus.require_member(p_queue text, p_channel text)
RETURNS pgmq_bus.subscription
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_row pgmq_bus.subscription;
BEGIN
    SELECT s.* INTO v_row
      FROM pgmq_bus.subscription s
     WHERE s.queue_name = pg_catalog.lower(p_queue) AND s.channel = p_channel
       AND s.owner = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'queue is not a member of channel' USING ERRCODE = '42501';
    END IF;
    RETURN v_row;
END
$$;

-- Refreshes last_seen of an ephemeral subscription that reads (at most once a second, and never
-- waiting for a lock: heartbeats and reaping go on undisturbed). Durable subscriptions are never
-- stale, and their row is shared by every node, so reads leave it alone.
CREATE OR REPLACE FUNCTION pgmq_bus.touch(p_sub pgmq_bus.subscription)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_sub.kind = 'ephemeral' AND p_sub.last_seen < now() - interval '1 second' THEN
        UPDATE pgmq_bus.subscription s
           SET last_seen = now()
         WHERE s.queue_name IN (SELECT x.queue_name FROM pgmq_bus.subscription x
                                 WHERE x.queue_name = p_sub.queue_name
                                   FOR NO KEY UPDATE SKIP LOCKED);
    END IF;
END
$$;

-- A fresh opaque queue name.
CREATE OR REPLACE FUNCTION pgmq_bus.new_queue_name()
RETURNS text
LANGUAGE sql VOLATILE
AS $$ SELECT 'bus_' || pg_catalog.replace(pg_catalog.gen_random_uuid()::text, '-', '') $$;

-- ---------------------------------------------------------------------------------------------
-- The wrappers
-- ---------------------------------------------------------------------------------------------

-- Joins p_channel with a new ephemeral subscription; returns its queue name.
CREATE OR REPLACE FUNCTION public.bus_join(p_channel text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN pgmq_bus.join(pgmq_bus.new_queue_name(), p_channel, 'ephemeral', NULL, session_user::text, 60, NULL, session_user);
END
$$;

-- Joins the durable shared subscription p_subscription of p_channel; every caller naming the
-- same pair gets the same queue, kept across restarts.
CREATE OR REPLACE FUNCTION public.bus_join(p_channel text, p_subscription text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_subscription IS NULL THEN
        RAISE EXCEPTION 'a durable subscription needs a name of 1 to 200 characters' USING ERRCODE = '22023';
    END IF;
    RETURN pgmq_bus.join(pgmq_bus.new_queue_name(), p_channel, 'durable', p_subscription, session_user::text, 60, NULL, session_user);
END
$$;

-- Joins p_channel with the lease and message-type filter the caller runs with (what the
-- pgmq-bus adapter calls; the two forms above keep pipecat's signatures, with a lease of 60 s and
-- no filter): p_subscription NULL = a new ephemeral subscription, else the durable shared one of
-- that name, whose members must all ask for the same p_message_types (NULL = every type).
CREATE OR REPLACE FUNCTION public.bus_join(
    p_channel text, p_subscription text, p_lease_seconds integer, p_message_types text[])
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN pgmq_bus.join(pgmq_bus.new_queue_name(), p_channel,
        CASE WHEN p_subscription IS NULL THEN 'ephemeral' ELSE 'durable' END,
        p_subscription, session_user::text, p_lease_seconds, p_message_types, session_user);
END
$$;

-- Publishes to every live subscription of p_channel; returns the copies' message ids. With
-- p_my_queue NULL the caller is a pure publisher; otherwise p_my_queue must be a member of
-- p_channel and gets no copy.
CREATE OR REPLACE FUNCTION public.bus_publish(
    p_channel text, p_my_queue text, p_message jsonb, p_headers jsonb, p_delay integer)
RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_ids bigint[];
BEGIN
    IF p_my_queue IS NOT NULL THEN
        PERFORM pgmq_bus.require_member(p_my_queue, p_channel);
    END IF;
    IF p_delay < 0 THEN
        RAISE EXCEPTION 'delay must not be negative, was %', p_delay USING ERRCODE = '22023';
    END IF;
    SELECT coalesce(array_agg(p.msg_id), '{}') INTO v_ids
      FROM pgmq_bus.publish(p_channel, p_message, p_headers, coalesce(p_delay, 0), lower(p_my_queue)) AS p;
    RETURN v_ids;
END
$$;

CREATE OR REPLACE FUNCTION public.bus_publish(p_channel text, p_my_queue text, p_message jsonb)
RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN public.bus_publish(p_channel, p_my_queue, p_message, NULL::jsonb, 0);
END
$$;

-- Reads up to p_qty messages, hiding them for p_vt seconds. With p_max_seconds > 0 waits on the
-- server for up to that many seconds (at most 30) when nothing is there.
CREATE OR REPLACE FUNCTION public.bus_subscribe(
    p_my_queue text, p_channel text, p_vt integer, p_qty integer, p_max_seconds integer)
RETURNS TABLE(msg_id bigint, message jsonb)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    PERFORM pgmq_bus.touch(v_sub);
    IF coalesce(p_max_seconds, 0) <= 0 THEN
        RETURN QUERY SELECT r.msg_id, r.message FROM pgmq.read(v_sub.queue_name, p_vt, p_qty) AS r;
    ELSE
        RETURN QUERY SELECT r.msg_id, r.message
                       FROM pgmq.read_with_poll(v_sub.queue_name, p_vt, p_qty, least(p_max_seconds, 30)) AS r;
    END IF;
END
$$;

-- Reads up to p_qty messages with their metadata, hiding them for p_vt seconds; never waits.
CREATE OR REPLACE FUNCTION public.bus_read(p_my_queue text, p_channel text, p_vt integer, p_qty integer)
RETURNS TABLE(msg_id bigint, read_ct integer, enqueued_at timestamptz, vt timestamptz, message jsonb, headers jsonb)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    PERFORM pgmq_bus.touch(v_sub);
    RETURN QUERY
        SELECT r.msg_id, r.read_ct, r.enqueued_at, r.vt, r.message, r.headers
          FROM pgmq.read(v_sub.queue_name, p_vt, p_qty) AS r;
END
$$;

-- Archives a handled message; false when it is not in the queue.
CREATE OR REPLACE FUNCTION public.bus_archive(p_my_queue text, p_channel text, p_msg_id bigint)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    RETURN pgmq.archive(v_sub.queue_name, p_msg_id);
END
$$;

-- Deletes a handled message; false when it is not in the queue.
CREATE OR REPLACE FUNCTION public.bus_delete(p_my_queue text, p_channel text, p_msg_id bigint)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    RETURN pgmq.delete(v_sub.queue_name, p_msg_id);
END
$$;

-- Makes a message visible again p_vt seconds from now; false when it is not in the queue.
CREATE OR REPLACE FUNCTION public.bus_set_vt(p_my_queue text, p_channel text, p_msg_id bigint, p_vt integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    RETURN EXISTS (SELECT 1 FROM pgmq.set_vt(v_sub.queue_name, p_msg_id, p_vt));
END
$$;

-- Extends the visibility of messages the caller still holds (see pgmq_bus.extend); returns the
-- ids extended.
CREATE OR REPLACE FUNCTION public.bus_extend(
    p_my_queue text, p_channel text, p_msg_ids bigint[], p_read_cts integer[], p_vt integer)
RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    RETURN QUERY SELECT e FROM pgmq_bus.extend(v_sub.queue_name, p_msg_ids, p_read_cts, p_vt) AS e;
END
$$;

-- Hands read messages that were never delivered back, their read not counted (see
-- pgmq_bus.hand_back); returns how many.
CREATE OR REPLACE FUNCTION public.bus_hand_back(p_my_queue text, p_channel text, p_msg_ids bigint[], p_read_cts integer[])
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    RETURN pgmq_bus.hand_back(v_sub.queue_name, p_msg_ids, p_read_cts);
END
$$;

-- Marks the subscription alive. Returns false, rather than raising 42501 like the other calls,
-- when the pair is not registered to the caller (e.g. it was reaped, or is another role's): a
-- client heartbeating several subscriptions in one statement must not lose them all because one
-- is gone. It reveals exactly what the error would.
CREATE OR REPLACE FUNCTION public.bus_heartbeat(p_my_queue text, p_channel text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE pgmq_bus.subscription s
       SET last_seen = now()
     WHERE s.queue_name = lower(p_my_queue) AND s.channel = p_channel AND s.owner = session_user;
    RETURN FOUND;
END
$$;

-- Moves a message that cannot be handled to the dead-letter queue 'bus_dead_letter', one queue
-- for all tenants (created when first needed; no wrapper reads it: it is for operators). The
-- fixed name cannot collide with an allocated queue ('bus_' + 32 hex digits) and does not leave a
-- queue behind per ephemeral subscription. Header x-dead-letter records the error, the queue,
-- the channel and the subscription name. Returns the message's id in the dead-letter queue, or
-- NULL when it was no longer in the queue.
CREATE OR REPLACE FUNCTION public.bus_dead_letter(p_my_queue text, p_channel text, p_msg_id bigint, p_error text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    RETURN pgmq_bus.dead_letter(v_sub.queue_name, p_msg_id, 'bus_dead_letter', p_error,
        jsonb_build_object('channel', v_sub.channel, 'subscription', v_sub.subscription_name));
END
$$;

-- Leaves: drops an ephemeral subscription and its queue; keeps a durable one.
CREATE OR REPLACE FUNCTION public.bus_leave(p_my_queue text, p_channel text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    PERFORM pgmq_bus.leave(v_sub.queue_name);
END
$$;

-- Drops the caller's own ephemeral subscriptions not seen for p_max_age_seconds AND for their own
-- lease (dead nodes of the same application), so that no caller can drop a live subscriber, nor
-- any of another role. Returns the dropped queue names.
CREATE OR REPLACE FUNCTION public.bus_reap(p_max_age_seconds integer)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_max_age_seconds IS NULL OR p_max_age_seconds <= 0 THEN
        RAISE EXCEPTION 'reap age must be a positive number of seconds' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY SELECT r FROM pgmq_bus._reap(p_max_age_seconds * interval '1 second', 1, NULL, session_user) AS r;
END
$$;

-- What the adapter's heartbeat calls: drops the caller's own ephemeral subscriptions not seen for
-- twice their own lease whose lease is shorter than p_healthy_seconds, the time the caller has
-- been heartbeating without an outage (see pgmq_bus.reap_expired). No caller can drop a
-- subscriber that is alive by its own lease, nor any of another role.
CREATE OR REPLACE FUNCTION public.bus_reap_expired(p_healthy_seconds integer)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_healthy_seconds IS NULL OR p_healthy_seconds < 0 THEN
        RAISE EXCEPTION 'healthy time must be a number of seconds, not negative' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY SELECT r FROM pgmq_bus.reap_expired(p_healthy_seconds * interval '1 second', session_user) AS r;
END
$$;

-- Sends to one of the caller's durable shared subscriptions only (a work queue: one member gets
-- it). Returns the message id, or NULL when the caller has no durable subscription of that name
-- on the channel (whether or not another role has).
CREATE OR REPLACE FUNCTION public.bus_send(p_channel text, p_subscription text, p_message jsonb, p_headers jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_queue text;
    v_id bigint;
BEGIN
    SELECT s.queue_name INTO v_queue FROM pgmq_bus.subscription s
     WHERE s.channel = p_channel AND s.kind = 'durable' AND s.subscription_name = p_subscription
       AND s.owner = session_user;
    IF v_queue IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT x INTO v_id FROM pgmq.send(v_queue, p_message, p_headers) AS x;
    RETURN v_id;
END
$$;

-- Wakes the readers of every subscription of a channel: what a publisher calls after committing a
-- two-phase (XA) transaction, which could not NOTIFY itself. The notifications carry each queue's
-- opaque wake token, never a queue name. Returns how many of the caller's own subscriptions of
-- the channel were woken (those of other roles are woken too, and not counted).
CREATE OR REPLACE FUNCTION public.bus_wake(p_channel text)
RETURNS integer
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*) FILTER (WHERE s.owner = session_user)::integer
      FROM pgmq_bus.subscription s, LATERAL pg_catalog.pg_notify('pgmq_bus', coalesce(s.wake_token, s.queue_name)) AS n
     WHERE s.channel = p_channel;
$$;

-- The token that the wake-up notifications of the caller's subscription carry (channel pgmq_bus):
-- what its reader waits for.
CREATE OR REPLACE FUNCTION public.bus_wake_token(p_my_queue text, p_channel text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sub pgmq_bus.subscription := pgmq_bus.require_member(p_my_queue, p_channel);
BEGIN
    RETURN coalesce(v_sub.wake_token, v_sub.queue_name);
END
$$;

-- Deletes the archived messages older than p_older_than_seconds of the caller's own subscriptions
-- (see pgmq_bus.prune_archives); returns how many.
CREATE OR REPLACE FUNCTION public.bus_prune_archives(p_older_than_seconds integer)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN pgmq_bus.prune_archives(p_older_than_seconds * interval '1 second', session_user);
END
$$;

-- The statistics of the caller's own subscriptions (see pgmq_bus.subscription_stats); nothing of
-- another role's.
CREATE OR REPLACE FUNCTION public.bus_subscription_stats()
RETURNS TABLE(channel text, kind text, subscription_name text, queue_name text, node text, depth bigint,
              visible bigint, in_flight bigint, oldest_age_seconds double precision, dead_letters bigint,
              last_seen timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM pgmq_bus.subscription_stats(session_user)
$$;

-- Which versions of the scripts are installed: what the adapter checks at start, so that an
-- outdated script is reported rather than silently used.
CREATE OR REPLACE FUNCTION public.bus_script_versions()
RETURNS TABLE(script text, version integer)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT v.script, v.version FROM pgmq_bus.script_version v
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges: pgmq_bus_client may execute the wrappers, and nothing else.
-- ---------------------------------------------------------------------------------------------

REVOKE ALL ON SCHEMA pgmq, pgmq_bus FROM PUBLIC, pgmq_bus_client;
REVOKE ALL ON ALL TABLES IN SCHEMA pgmq, pgmq_bus FROM PUBLIC, pgmq_bus_client;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA pgmq, pgmq_bus FROM PUBLIC, pgmq_bus_client;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA pgmq, pgmq_bus FROM PUBLIC, pgmq_bus_client;

-- The wrappers, listed once: revoked from PUBLIC, granted to pgmq_bus_client.
DO $$
DECLARE
    v_wrapper text;
BEGIN
    FOREACH v_wrapper IN ARRAY ARRAY[
        'public.bus_join(text)',
        'public.bus_join(text, text)',
        'public.bus_join(text, text, integer, text[])',
        'public.bus_publish(text, text, jsonb)',
        'public.bus_publish(text, text, jsonb, jsonb, integer)',
        'public.bus_subscribe(text, text, integer, integer, integer)',
        'public.bus_read(text, text, integer, integer)',
        'public.bus_archive(text, text, bigint)',
        'public.bus_delete(text, text, bigint)',
        'public.bus_set_vt(text, text, bigint, integer)',
        'public.bus_extend(text, text, bigint[], integer[], integer)',
        'public.bus_hand_back(text, text, bigint[], integer[])',
        'public.bus_heartbeat(text, text)',
        'public.bus_dead_letter(text, text, bigint, text)',
        'public.bus_leave(text, text)',
        'public.bus_reap(integer)',
        'public.bus_reap_expired(integer)',
        'public.bus_send(text, text, jsonb, jsonb)',
        'public.bus_wake(text)',
        'public.bus_wake_token(text, text)',
        'public.bus_script_versions()',
        'public.bus_prune_archives(integer)',
        'public.bus_subscription_stats()']
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_wrapper);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO pgmq_bus_client', v_wrapper);
    END LOOP;
END
$$;

-- the wrappers live in schema public: make sure the role can reach them even where a DBA has
-- revoked PUBLIC's usage of that schema
GRANT USAGE ON SCHEMA public TO pgmq_bus_client;

-- ---------------------------------------------------------------------------------------------

INSERT INTO pgmq_bus.script_version AS v (script, version)
VALUES ('003_isolated', 3)
ON CONFLICT (script) DO UPDATE
   SET version = EXCLUDED.version, applied_at = now()
 WHERE v.version IS DISTINCT FROM EXCLUDED.version;

COMMIT;
