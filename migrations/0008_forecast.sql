-- 0008 forecast: the city's monthly forecast of card and electronic-certificate expiries
-- (来庁者予測件数), which the monthly report compares with what actually came and the planner
-- turns into slots and staff. Shipped with the Kawanishi figures of seed 000 §5(1)ウ (FY2026
-- October to FY2027 March); the manager replaces them with the city's own.
CREATE TABLE expiry_forecasts (
    month       TEXT PRIMARY KEY,                -- YYYY-MM
    card        INTEGER NOT NULL CHECK (card >= 0),
    certificate INTEGER NOT NULL CHECK (certificate >= 0),
    source      TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO expiry_forecasts (month, card, certificate, source) VALUES
    ('2026-10', 710, 1972, '川西市 仕様書 令和8年度'),
    ('2026-11', 658, 2101, '川西市 仕様書 令和8年度'),
    ('2026-12', 697, 2275, '川西市 仕様書 令和8年度'),
    ('2027-01', 854, 3058, '川西市 仕様書 令和8年度'),
    ('2027-02', 755, 2951, '川西市 仕様書 令和8年度'),
    ('2027-03', 799, 3283, '川西市 仕様書 令和8年度'),
    ('2027-04', 880, 3482, '川西市 仕様書 令和9年度'),
    ('2027-05', 865, 3322, '川西市 仕様書 令和9年度'),
    ('2027-06', 848, 3289, '川西市 仕様書 令和9年度'),
    ('2027-07', 925, 3607, '川西市 仕様書 令和9年度'),
    ('2027-08', 861, 3483, '川西市 仕様書 令和9年度'),
    ('2027-09', 828, 3045, '川西市 仕様書 令和9年度'),
    ('2027-10', 728, 2732, '川西市 仕様書 令和9年度'),
    ('2027-11', 648, 2340, '川西市 仕様書 令和9年度'),
    ('2027-12', 533, 2063, '川西市 仕様書 令和9年度'),
    ('2028-01', 483, 1886, '川西市 仕様書 令和9年度'),
    ('2028-02', 403, 1406, '川西市 仕様書 令和9年度'),
    ('2028-03', 350, 1067, '川西市 仕様書 令和9年度');
