-- bench/sql/generate_hits.sql - deterministic generator of the "hits" data.
--
-- Owns the web analytics data set of the benchmark: one CSV file, in the
-- column order of the hits table of bench/sql/schema.sql, written with
-- server-side COPY ... TO (so it needs a superuser, and the file belongs to
-- the server's OS user). Every run with the same hits_rows writes a
-- byte-identical file: every "random" value comes from
-- hashint8extended(key, seed), never from random(), and rows are written in
-- generate_series order (no sort, no parallel query).
--
-- The shape follows what a web analytics product records per page view:
--   * event time over July 2025, increasing with the row number (logs arrive
--     in time order), whole seconds, so many hits share a second;
--   * users and counters (sites) are Zipf-like: rank k has weight ~1/k;
--     a user keeps its device, OS, browser, screen, region, IP, language,
--     age... across hits;
--   * URL, title and referer strings of realistic lengths built from a small
--     vocabulary, so values repeat a lot (pages are Zipf-like within a site);
--   * the search phrase is empty unless the referer is a search engine, so
--     about 87% of rows have an empty one;
--   * flags are mostly 0 or mostly 1, many columns are almost constant
--     (Flash, Silverlight, Openstat, ...), timings are exponential-ish.
--
-- psql variables (psql -v name=value):
--   hits_rows  number of rows (required)
--   hits_csv   server-side path of the CSV file to write (required)

\set ON_ERROR_STOP on
\set QUIET on

SET TimeZone = 'UTC';
SET max_parallel_workers_per_gather = 0;
SET jit = off;

-- pg_temp.u(key, seed): a uniform value in [0, 1) from a key and a seed
-- (different seeds give independent values): the top 53 bits of a hash.
CREATE FUNCTION pg_temp.u(k bigint, seed bigint) RETURNS float8
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((hashint8extended(k, seed) >> 11) & 9007199254740991)::float8
           / 9007199254740992.0;

-- pg_temp.zipf(x, n): a rank in 1..n for x uniform in [0, 1); rank k has a
-- probability of about 1/k (log((k+1)/k) / log(n+1)).
CREATE FUNCTION pg_temp.zipf(x float8, n bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN least(n, floor((n + 1)::float8 ^ x)::bigint);

-- pg_temp.pick(list, x): the element of list at position floor(x * length).
CREATE FUNCTION pg_temp.pick(list text[], x float8) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN list[1 + floor(x * cardinality(list))::int];

-- pg_temp.expo(x, mean): an exponential-ish duration with the given mean.
CREATE FUNCTION pg_temp.expo(x float8, mean float8) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN floor(-ln(1 - x) * mean)::int;

-- pg_temp.h32(key, seed): a signed 32-bit hash (IP addresses and such).
CREATE FUNCTION pg_temp.h32(k bigint, seed bigint) RETURNS int
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (hashint8extended(k, seed) >> 32)::int;

-- pg_temp.h63(key, seed): a non-negative 63-bit hash (ids).
CREATE FUNCTION pg_temp.h63(k bigint, seed bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN hashint8extended(k, seed) & 9223372036854775807;

-- Vocabulary. Products and topics people look at.
CREATE FUNCTION pg_temp.noun(x float8) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.pick(ARRAY[
        'phone', 'laptop', 'shoes', 'jacket', 'sofa', 'recipe', 'weather',
        'news', 'football', 'movie', 'hotel', 'flight', 'car', 'bike',
        'camera', 'watch', 'guitar', 'pizza', 'coffee', 'garden', 'tickets',
        'insurance', 'loan', 'jobs', 'apartment', 'tv', 'headphones',
        'tablet', 'game', 'book', 'dress', 'perfume', 'vacuum', 'fridge',
        'tent', 'kayak', 'drone', 'printer', 'monitor', 'keyboard', 'lamp',
        'mattress', 'stroller', 'sunglasses', 'backpack', 'blender', 'tires',
        'charger', 'speaker', 'router'], x);

-- Words that go with a product or topic in titles and searches.
CREATE FUNCTION pg_temp.modifier(x float8) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.pick(ARRAY[
        'cheap', 'best', 'new', 'used', 'free', 'online', 'near me', '2025',
        'review', 'price', 'sale', 'buy', 'how to fix', 'vs', 'discount',
        'top 10', 'rent', 'repair', 'for kids', 'wireless', 'black', 'small',
        'professional', 'delivery'], x);

CREATE FUNCTION pg_temp.city(x float8) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.pick(ARRAY[
        'london', 'paris', 'berlin', 'new york', 'tokyo', 'madrid', 'rome',
        'amsterdam', 'prague', 'vienna', 'warsaw', 'lisbon', 'chicago',
        'toronto', 'sydney', 'istanbul'], x);

-- Sections of a site (the first path component of its URLs).
CREATE FUNCTION pg_temp.section(x float8) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.pick(ARRAY[
        'catalog', 'news', 'blog', 'product', 'category', 'search',
        'article', 'forum', 'video', 'shop', 'travel', 'sport', 'weather',
        'auto', 'realty', 'jobs'], x);

-- The host name of counter (site) c.
CREATE FUNCTION pg_temp.site(c bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN pg_temp.pick(ARRAY[
               'mega', 'super', 'best', 'city', 'market', 'daily', 'world',
               'home', 'auto', 'travel', 'shop', 'news', 'my', 'top', 'go',
               'smart', 'green', 'blue', 'red', 'star'], pg_temp.u(c, 41))
        || pg_temp.pick(ARRAY[
               'market', 'news', 'portal', 'store', 'hub', 'media', 'deals',
               'guide', 'times', 'zone', 'place', 'club'], pg_temp.u(c, 42))
        || CASE WHEN c > 20 THEN c::text ELSE '' END
        || '.'
        || pg_temp.pick(ARRAY[
               'com', 'com', 'com', 'net', 'org', 'de', 'co.uk', 'fr', 'ru',
               'io', 'info'], pg_temp.u(c, 43));

-- The URL of page p of counter (site) c; p is a rank, low ranks popular.
CREATE FUNCTION pg_temp.page_url(c bigint, p bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 'https://'
        || CASE WHEN pg_temp.u(c, 44) < 0.6 THEN 'www.' ELSE '' END
        || pg_temp.site(c) || '/'
        || pg_temp.section(pg_temp.u(c * 1000 + p, 45)) || '/'
        || replace(pg_temp.noun(pg_temp.u(c * 1000 + p, 46)), ' ', '-') || '-'
        || replace(pg_temp.modifier(pg_temp.u(c * 1000 + p, 47)), ' ', '-') || '-'
        || p || '.html'
        || CASE WHEN pg_temp.u(c * 1000 + p, 48) < 0.25
                THEN '?utm_source=' || pg_temp.pick(ARRAY['google', 'newsletter',
                         'facebook', 'partner', 'bing'], pg_temp.u(c * 1000 + p, 49))
                     || '&id=' || (hashint8extended(c * 1000 + p, 50) & 1048575)
                ELSE '' END;

-- The title of page p of counter (site) c (5% of pages have none).
CREATE FUNCTION pg_temp.page_title(c bigint, p bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN pg_temp.u(c * 1000 + p, 51) < 0.05 THEN ''
           ELSE initcap(pg_temp.noun(pg_temp.u(c * 1000 + p, 46))) || ' '
                || pg_temp.modifier(pg_temp.u(c * 1000 + p, 47))
                || CASE WHEN pg_temp.u(c * 1000 + p, 52) < 0.3
                        THEN ' in ' || initcap(pg_temp.city(pg_temp.u(c * 1000 + p, 53)))
                        ELSE '' END
                || ' - ' || initcap(split_part(pg_temp.site(c), '.', 1))
                || ': ' || pg_temp.pick(ARRAY['buy online', 'latest news',
                       'reviews and prices', 'official site', 'free delivery',
                       'compare offers'], pg_temp.u(c, 54))
           END;

-- Search phrase number k (k is a Zipf rank: a few phrases are very common).
CREATE FUNCTION pg_temp.phrase(k bigint) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN pg_temp.u(k, 61) < 0.5
                THEN pg_temp.modifier(pg_temp.u(k, 62)) || ' ' || pg_temp.noun(pg_temp.u(k, 63))
                ELSE pg_temp.noun(pg_temp.u(k, 63)) || ' ' || pg_temp.modifier(pg_temp.u(k, 62))
           END
        || CASE WHEN pg_temp.u(k, 64) < 0.3 THEN ' ' || pg_temp.city(pg_temp.u(k, 65))
                ELSE '' END;

\echo 'generating' :hits_rows 'hits into' :hits_csv
COPY (
    SELECT
        pg_temp.h63(i, 101) AS watch_id,
        (pg_temp.u(ur, 2) < 0.3)::int AS java_enable,
        CASE WHEN ref_kind = 'search' AND u_ref < 0.5 AND pg_temp.u(i, 31) < 0.2
             THEN '' ELSE pg_temp.page_title(cr, pr) END AS title,
        (pg_temp.u(i, 3) < 0.995)::int AS good_event,
        event_time,
        event_time::date AS event_date,
        cr AS counter_id,
        client_ip,
        region_id,
        pg_temp.h63(ur, 10) AS user_id,
        (cr % 5) AS counter_class,
        os,
        browser AS user_agent,
        url,
        referer,
        (pg_temp.u(i, 4) < 0.03)::int AS is_refresh,
        CASE ref_kind WHEN 'direct' THEN 0 WHEN 'search' THEN 1
                      WHEN 'internal' THEN 2 ELSE 3 END AS referer_category_id,
        CASE WHEN ref_kind = 'direct' THEN 0 ELSE region_id END AS referer_region_id,
        1 + floor(pg_temp.u(cr * 1000 + pr, 45) * 16)::int AS url_category_id,
        region_id AS url_region_id,
        res_w AS resolution_width,
        res_h AS resolution_height,
        CASE WHEN pg_temp.u(ur, 11) < 0.9 THEN 24 ELSE 32 END AS resolution_depth,
        CASE WHEN pg_temp.u(ur, 12) < 0.02 THEN 11 ELSE 0 END AS flash_major,
        0 AS flash_minor,
        '' AS flash_minor2,
        CASE WHEN pg_temp.u(ur, 13) < 0.05 THEN 4 ELSE 0 END AS net_major,
        0 AS net_minor,
        browser_major AS user_agent_major,
        CASE WHEN pg_temp.u(ur, 14) < 0.8 THEN '0'
             ELSE floor(pg_temp.u(ur, 15) * 200)::int::text END AS user_agent_minor,
        (pg_temp.u(ur, 16) < 0.98)::int AS cookie_enable,
        (pg_temp.u(ur, 17) < 0.99)::int AS javascript_enable,
        (device <> 'desktop')::int AS is_mobile,
        CASE WHEN device = 'desktop' THEN 0 ELSE phone_model END AS mobile_phone,
        CASE WHEN device = 'desktop' THEN ''
             ELSE (ARRAY['iPhone 15', 'iPhone 14', 'iPhone 13', 'Galaxy S24',
                         'Galaxy S23', 'Galaxy A54', 'Pixel 8', 'Pixel 7',
                         'Redmi Note 12', 'iPad Air', 'iPad', 'Galaxy Tab S9',
                         'Moto G84', 'OnePlus 12', 'Xperia 10'])[phone_model]
        END AS mobile_phone_model,
        CASE WHEN pg_temp.u(i, 5) < 0.98 THEN ''
             ELSE '{"ab":"' || pg_temp.pick(ARRAY['a', 'b', 'c'], pg_temp.u(i, 6))
                  || '","exp":' || floor(pg_temp.u(i, 7) * 40)::int || '}'
        END AS params,
        ip_network_id,
        CASE WHEN adv_engine > 0 THEN 3
             WHEN ref_kind = 'direct' THEN 0 WHEN ref_kind = 'search' THEN 2
             WHEN ref_kind = 'internal' THEN -1 ELSE 1 END AS trafic_source_id,
        CASE WHEN ref_kind = 'search' THEN engine ELSE 0 END AS search_engine_id,
        CASE WHEN ref_kind = 'search' AND u_ref < 0.5 THEN search_phrase ELSE '' END
            AS search_phrase,
        adv_engine AS adv_engine_id,
        (pg_temp.u(i, 8) < 0.005)::int AS is_artifical,
        greatest(0, res_w - floor(pg_temp.u(i, 9) * 120)::int) AS window_client_width,
        greatest(0, res_h - 80 - floor(pg_temp.u(i, 12) * 200)::int) AS window_client_height,
        tz AS client_time_zone,
        event_time + make_interval(hours => tz, secs => floor(pg_temp.u(i, 13) * 10))
            AS client_event_time,
        0 AS silverlight_version1,
        0 AS silverlight_version2,
        0 AS silverlight_version3,
        0 AS silverlight_version4,
        CASE WHEN pg_temp.u(cr, 18) < 0.97 THEN 'utf-8'
             WHEN pg_temp.u(cr, 18) < 0.99 THEN 'windows-1251'
             ELSE 'iso-8859-1' END AS page_charset,
        1000 + (cr % 7) * 3 AS code_version,
        (pg_temp.u(i, 14) < 0.02)::int AS is_link,
        (pg_temp.u(i, 15) < 0.01)::int AS is_download,
        (pg_temp.u(i, 16) < 0.45)::int AS is_not_bounce,
        CASE WHEN pg_temp.u(ur, 19) < 0.3 THEN 0 ELSE pg_temp.h63(ur, 20) END AS f_uniq_id,
        CASE WHEN pg_temp.u(i, 17) < 0.9 THEN '' ELSE url || '#top' END AS original_url,
        pg_temp.h32(i, 21) AS hid,
        0 AS is_old_counter,
        (pg_temp.u(i, 18) < 0.05)::int AS is_event,
        (pg_temp.u(i, 19) < 0.02)::int AS is_parameter,
        (pg_temp.u(i, 20) < 0.01)::int AS dont_count_hits,
        (pg_temp.u(i, 22) < 0.1)::int AS with_hash,
        CASE WHEN pg_temp.u(i, 23) < 0.8 THEN 'F'
             WHEN pg_temp.u(i, 23) < 0.95 THEN 'E' ELSE 'D' END AS hit_color,
        event_time + make_interval(hours => tz) AS local_event_time,
        CASE WHEN pg_temp.u(ur, 21) < 0.4 THEN 0
             ELSE 18 + floor(pg_temp.u(ur, 22) * 50)::int END AS age,
        floor(pg_temp.u(ur, 23) * 3)::int AS sex,
        floor(pg_temp.u(ur, 24) * 5)::int AS income,
        CASE WHEN pg_temp.u(ur, 25) < 0.5 THEN 0
             ELSE floor(pg_temp.u(ur, 26) * 32767)::int END AS interests,
        CASE WHEN pg_temp.u(ur, 27) < 0.98 THEN 0
             ELSE 1 + floor(pg_temp.u(ur, 28) * 3)::int END AS robotness,
        CASE WHEN pg_temp.u(i, 24) < 0.95 THEN client_ip ELSE pg_temp.h32(i, 25) END
            AS remote_ip,
        CASE WHEN pg_temp.u(i, 26) < 0.9 THEN -1 ELSE pg_temp.h32(i, 27) END AS window_name,
        CASE WHEN pg_temp.u(i, 28) < 0.95 THEN -1 ELSE pg_temp.h32(i, 29) END AS opener_name,
        1 + pg_temp.expo(pg_temp.u(i, 30), 3) AS history_length,
        lang AS browser_language,
        country AS browser_country,
        social AS social_network,
        CASE WHEN social = '' THEN ''
             ELSE pg_temp.pick(ARRAY['share', 'like', 'comment'], pg_temp.u(i, 32))
        END AS social_action,
        CASE WHEN pg_temp.u(i, 33) < 0.01 THEN 404
             WHEN pg_temp.u(i, 33) < 0.013 THEN 500 ELSE 0 END AS http_error,
        pg_temp.expo(pg_temp.u(i, 34), 50) AS send_timing,
        CASE WHEN pg_temp.u(i, 35) < 0.6 THEN 0
             ELSE pg_temp.expo(pg_temp.u(i, 36), 30) END AS dns_timing,
        CASE WHEN pg_temp.u(i, 37) < 0.5 THEN 0
             ELSE pg_temp.expo(pg_temp.u(i, 38), 80) END AS connect_timing,
        resp_start AS response_start_timing,
        resp_start + pg_temp.expo(pg_temp.u(i, 39), 100) AS response_end_timing,
        pg_temp.expo(pg_temp.u(i, 40), 400) AS fetch_timing,
        CASE social WHEN '' THEN 0 WHEN 'facebook' THEN 1 WHEN 'twitter' THEN 2
                    WHEN 'vk' THEN 3 WHEN 'instagram' THEN 4 ELSE 5 END
            AS social_source_network_id,
        CASE WHEN social = '' THEN '' ELSE 'https://' || social || '.com/' END
            AS social_source_page,
        price AS param_price,
        CASE WHEN price = 0 THEN ''
             ELSE 'ORD-' || (hashint8extended(i, 41) & 16777215) END AS param_order_id,
        CASE WHEN price = 0 THEN ''
             ELSE pg_temp.pick(ARRAY['USD', 'EUR', 'EUR', 'GBP'], pg_temp.u(i, 42))
        END AS param_currency,
        CASE WHEN price = 0 THEN 0 ELSE 1 + floor(pg_temp.u(i, 42) * 4)::int END
            AS param_currency_id,
        CASE WHEN pg_temp.u(i, 43) < 0.99 THEN '' ELSE 'direct.example' END
            AS openstat_service_name,
        CASE WHEN pg_temp.u(i, 43) < 0.99 THEN ''
             ELSE 'c' || floor(pg_temp.u(i, 44) * 100)::int END AS openstat_campaign_id,
        CASE WHEN pg_temp.u(i, 43) < 0.99 THEN ''
             ELSE 'ad' || floor(pg_temp.u(i, 45) * 1000)::int END AS openstat_ad_id,
        CASE WHEN pg_temp.u(i, 43) < 0.99 THEN ''
             ELSE 's' || floor(pg_temp.u(i, 46) * 10)::int END AS openstat_source_id,
        utm_source,
        CASE utm_source WHEN '' THEN '' WHEN 'newsletter' THEN 'email'
                        WHEN 'facebook' THEN 'social' ELSE 'cpc' END AS utm_medium,
        CASE WHEN utm_source = '' THEN ''
             ELSE 'summer_' || pg_temp.noun(pg_temp.u(i, 47)) END AS utm_campaign,
        CASE WHEN utm_source = '' OR pg_temp.u(i, 48) < 0.5 THEN ''
             ELSE 'banner' || floor(pg_temp.u(i, 49) * 8)::int END AS utm_content,
        CASE WHEN utm_source = '' OR ref_kind <> 'search' THEN '' ELSE search_phrase END
            AS utm_term,
        CASE WHEN pg_temp.u(i, 50) < 0.98 THEN ''
             ELSE pg_temp.pick(ARRAY['mail', 'push', 'widget'], pg_temp.u(i, 51))
        END AS from_tag,
        (pg_temp.u(i, 52) < 0.03)::int AS has_gclid,
        hashtextextended(referer, 0) AS referer_hash,
        hashtextextended(url, 0) AS url_hash,
        CASE WHEN pg_temp.u(i, 53) < 0.9 THEN 0
             ELSE floor(pg_temp.u(i, 54) * 100000)::int END AS clid
    FROM (
        -- Per-hit values that other columns are derived from. OFFSET 0 keeps
        -- this level from being flattened into the one above, so each value
        -- is computed once per row.
        SELECT i, ur, cr, pr, ref_kind, u_ref, engine, search_phrase,
               adv_engine, price, social, utm_source, resp_start,
               timestamp '2025-07-01'
                   + make_interval(secs => floor((i - 1) * (2678400.0::float8 / :hits_rows)))
                   AS event_time,
               pg_temp.page_url(cr, pr) AS url,
               CASE ref_kind
                   WHEN 'direct' THEN ''
                   WHEN 'search' THEN
                       'https://www.'
                       || (ARRAY['google.com', 'bing.com', 'yandex.ru',
                                 'duckduckgo.com', 'yahoo.com'])[engine]
                       || '/search?q=' || replace(search_phrase, ' ', '+')
                   WHEN 'internal' THEN pg_temp.page_url(cr, pg_temp.zipf(pg_temp.u(i, 55), 500))
                   ELSE pg_temp.page_url(pg_temp.zipf(pg_temp.u(i, 56), 2000),
                                         pg_temp.zipf(pg_temp.u(i, 57), 500))
               END AS referer,
               -- the user's device and everything that goes with it
               device, os, browser, browser_major, phone_model, res_w, res_h,
               client_ip, ip_network_id, region_id, tz, lang, country
        FROM (
            SELECT i, ur, cr, pr, ref_kind, u_ref, engine, search_phrase,
                   adv_engine, price, social, utm_source, resp_start, device,
                   CASE device
                       WHEN 'desktop' THEN (ARRAY[1, 1, 1, 1, 2, 2, 3])[1 + floor(pg_temp.u(ur, 71) * 7)::int]
                       WHEN 'mobile' THEN (ARRAY[4, 4, 4, 5, 5])[1 + floor(pg_temp.u(ur, 71) * 5)::int]
                       ELSE (ARRAY[5, 5, 4])[1 + floor(pg_temp.u(ur, 71) * 3)::int]
                   END AS os,
                   browser,
                   CASE browser WHEN 2 THEN 15 + floor(pg_temp.u(ur, 73) * 4)::int
                                WHEN 4 THEN 115 + floor(pg_temp.u(ur, 73) * 20)::int
                                ELSE 110 + floor(pg_temp.u(ur, 73) * 30)::int END
                       AS browser_major,
                   CASE device WHEN 'tablet' THEN 10 + floor(pg_temp.u(ur, 74) * 3)::int
                               ELSE 1 + floor(pg_temp.u(ur, 74) ^ 2 * 15)::int END
                       AS phone_model,
                   (CASE device
                        WHEN 'desktop' THEN (ARRAY[1920, 1366, 1536, 1440, 1280, 2560, 1600, 1920])
                        WHEN 'mobile' THEN (ARRAY[390, 414, 375, 360, 412, 393, 430, 360])
                        ELSE (ARRAY[810, 820, 768, 800, 1024, 834, 768, 810]) END)[screen]
                       AS res_w,
                   (CASE device
                        WHEN 'desktop' THEN (ARRAY[1080, 768, 864, 900, 1024, 1440, 900, 1200])
                        WHEN 'mobile' THEN (ARRAY[844, 896, 812, 800, 915, 873, 932, 780])
                        ELSE (ARRAY[1080, 1180, 1024, 1280, 1366, 1194, 1024, 1080]) END)[screen]
                       AS res_h,
                   pg_temp.h32(ur, 75) AS client_ip,
                   (hashint8extended(ur, 75) >> 40)::int AS ip_network_id,
                   1 + floor(pg_temp.zipf(pg_temp.u(ur, 76), 300) * 7 + pg_temp.u(ur, 77) * 7)::int
                       AS region_id,
                   (ARRAY[-8, -5, -5, 0, 1, 1, 1, 2, 3, 3, 5, 8, 9])[1 + floor(pg_temp.u(ur, 78) * 13)::int]
                       AS tz,
                   (ARRAY['en', 'en', 'de', 'fr', 'es', 'ru', 'ja', 'pt', 'it', 'pl'])[lc] AS lang,
                   (ARRAY['US', 'GB', 'DE', 'FR', 'ES', 'RU', 'JP', 'BR', 'IT', 'PL'])[lc] AS country
            FROM (
                SELECT i, ur, cr, pr, u_ref,
                       CASE WHEN u_ref < 0.35 THEN 'direct'
                            WHEN u_ref < 0.65 THEN 'search'
                            WHEN u_ref < 0.85 THEN 'internal'
                            ELSE 'external' END AS ref_kind,
                       (ARRAY[1, 1, 1, 1, 1, 1, 2, 3, 3, 4, 5])[1 + floor(pg_temp.u(i, 58) * 11)::int]
                           AS engine,
                       pg_temp.phrase(pg_temp.zipf(pg_temp.u(i, 59), 20000)) AS search_phrase,
                       CASE WHEN pg_temp.u(i, 60) < 0.95 THEN 0
                            ELSE pg_temp.zipf(pg_temp.u(i, 61), 30)::int END AS adv_engine,
                       CASE WHEN pg_temp.u(i, 62) < 0.98 THEN 0
                            ELSE 100 + floor(pg_temp.u(i, 63) ^ 3 * 500000)::bigint END AS price,
                       CASE WHEN pg_temp.u(i, 64) < 0.97 THEN ''
                            ELSE pg_temp.pick(ARRAY['facebook', 'facebook', 'twitter', 'vk',
                                                    'instagram', 'reddit'], pg_temp.u(i, 65))
                       END AS social,
                       CASE WHEN pg_temp.u(cr * 1000 + pr, 48) >= 0.25 THEN ''
                            ELSE pg_temp.pick(ARRAY['google', 'newsletter', 'facebook',
                                                    'partner', 'bing'], pg_temp.u(cr * 1000 + pr, 49))
                       END AS utm_source,
                       pg_temp.expo(pg_temp.u(i, 66), 200) AS resp_start,
                       CASE WHEN pg_temp.u(ur, 70) < 0.55 THEN 'desktop'
                            WHEN pg_temp.u(ur, 70) < 0.93 THEN 'mobile'
                            ELSE 'tablet' END AS device,
                       (ARRAY[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4, 5, 6, 7])
                           [1 + floor(pg_temp.u(ur, 72) * 22)::int] AS browser,
                       1 + floor(pg_temp.u(ur, 79) * 8)::int AS screen,
                       1 + floor(pg_temp.u(ur, 80) * 10)::int AS lc
                FROM (
                    SELECT i,
                           -- user rank: about 8 hits per user on average
                           pg_temp.zipf(pg_temp.u(i, 1), greatest(100, :hits_rows / 8)) AS ur,
                           -- counter (site) and page of the site
                           pg_temp.zipf(pg_temp.u(i, 81), 2000) AS cr,
                           pg_temp.zipf(pg_temp.u(i, 82), 500) AS pr,
                           pg_temp.u(i, 83) AS u_ref
                    FROM generate_series(1, :hits_rows::bigint) AS i
                    OFFSET 0
                ) AS base
                OFFSET 0
            ) AS hit
            OFFSET 0
        ) AS hit_user
        OFFSET 0
    ) AS h
) TO :'hits_csv' (FORMAT csv);
