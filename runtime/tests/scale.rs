//! Open-label families under concurrent inserts and lookups: exact totals, bounds kept
//! whatever the interleaving, and the per-family series cap.

use std::sync::Barrier;

use metrics_schema_runtime::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Stop,
    Length,
}

impl ClosedLabel for Reason {
    const VALUES: &'static [&'static str] = &["stop", "length"];
    fn index(self) -> usize {
        self as usize
    }
}

fn leak(name: &'static str, labels: Vec<LabelDesc>) -> &'static MetricDesc {
    Box::leak(Box::new(MetricDesc {
        name,
        help: "Help.",
        unit: None,
        metric_type: MetricType::Counter,
        stage: Stage::Active,
        labels: Box::leak(labels.into_boxed_slice()),
        buckets: Buckets::None,
    }))
}

const THREADS: usize = 4;

/// Every thread records every combination (in its own order) while others insert them.
#[test]
fn concurrent_inserts_and_lookups_keep_exact_totals() {
    let desc = leak(
        "stress",
        vec![
            LabelDesc::open("model", 64),
            LabelDesc::closed("reason", Reason::VALUES),
            LabelDesc::open("engine", 64),
        ],
    );
    let family: Family<Counter, Reason, 2> = Family::new(desc, &Options::new()).unwrap();
    let models: Vec<String> = (0..40).map(|i| format!("model-{i}")).collect();
    let engines: Vec<String> = (0..25).map(|i| i.to_string()).collect();
    let rounds = 3;
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (family, models, engines, barrier) = (&family, &models, &engines, &barrier);
            s.spawn(move || {
                barrier.wait();
                for round in 0..rounds {
                    for i in 0..models.len() * engines.len() {
                        // A different walk per thread and round.
                        let j = (i * 7 + t * 131 + round * 17) % (models.len() * engines.len());
                        let (m, e) = (&models[j % models.len()], &engines[j / models.len()]);
                        let reason = if (i + t) % 2 == 0 {
                            Reason::Stop
                        } else {
                            Reason::Length
                        };
                        family.with([m, e], reason).inc();
                        if i % 5 == 0 {
                            family.bind([m, e]).get(Reason::Stop).inc_by(10);
                        }
                    }
                }
            });
        }
    });
    assert_eq!(family.overflow_count(), 0);
    assert_eq!(family.series_count(), models.len() * engines.len() * 2);
    let mut total = 0;
    for m in &models {
        for e in &engines {
            total += family.with([m, e], Reason::Stop).value_u64()
                + family.with([m, e], Reason::Length).value_u64();
        }
    }
    let per_thread = (models.len() * engines.len()) as u64;
    let binds = per_thread.div_ceil(5);
    assert_eq!(
        total,
        THREADS as u64 * rounds as u64 * (per_thread + binds * 10)
    );
    // Every (model, engine) was recorded by every thread the same number of times.
    let text = {
        let registry = Registry::new();
        registry.register(&family).unwrap();
        registry.encode_to_string(Format::Text)
    };
    assert_eq!(text.lines().filter(|l| !l.starts_with('#')).count(), 2000);
}

/// Threads flooding new values past `max_values`: whatever wins the race, each label
/// keeps at most `max_values` values, every increment lands somewhere, and the overflow
/// count is the overflow series' total.
#[test]
fn concurrent_floods_stay_within_bounds() {
    let desc = leak(
        "flood",
        vec![LabelDesc::open("user", 50), LabelDesc::open("region", 3)],
    );
    let family: Family<Counter, (), 2> = Family::new(desc, &Options::new()).unwrap();
    let per_thread = 20_000usize;
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (family, barrier) = (&family, &barrier);
            s.spawn(move || {
                barrier.wait();
                let mut user = String::new();
                for i in 0..per_thread {
                    use std::fmt::Write;
                    user.clear();
                    write!(user, "u{}", (i * (t + 1)) % 500).unwrap();
                    let region = ["eu", "us", "ap", "sa"][(i + t) % 4];
                    family.with([&user, region], ()).inc();
                }
            });
        }
    });
    let snapshot = family.collector().snapshot();
    let mut users = std::collections::HashSet::new();
    let mut regions = std::collections::HashSet::new();
    let mut total = 0u64;
    let mut overflow = 0u64;
    for series in &snapshot.series {
        let Sample::Counter { int, .. } = series.sample else {
            panic!("not a counter")
        };
        total += int;
        if series.labels[0].1 == OVERFLOW_VALUE {
            overflow += int;
        } else {
            users.insert(series.labels[0].1.clone());
            regions.insert(series.labels[1].1.clone());
        }
    }
    assert_eq!(total, (THREADS * per_thread) as u64);
    assert_eq!(users.len(), 50);
    assert_eq!(regions.len(), 3);
    assert_eq!(family.overflow_count(), overflow);
    assert!(overflow > 0);
}

/// The series cap applies to rows times closed combinations, and concurrent inserts
/// never pass it.
#[test]
fn series_cap_bounds_rows_under_concurrency() {
    let desc = leak(
        "capped",
        vec![
            LabelDesc::open("id", usize::MAX),
            LabelDesc::closed("reason", Reason::VALUES),
        ],
    );
    let options = Options::new().max_series(1_000);
    let family: Family<Counter, Reason, 1> = Family::new(desc, &options).unwrap();
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (family, barrier) = (&family, &barrier);
            s.spawn(move || {
                barrier.wait();
                for i in 0..2_000 {
                    family
                        .with([&format!("{}", i * THREADS + t)], Reason::Stop)
                        .inc();
                }
            });
        }
    });
    // 500 rows of 2 series, plus the overflow row.
    assert_eq!(family.series_count(), 1_000 + 2);
    assert_eq!(family.overflow_count(), (THREADS * 2_000 - 500) as u64);
    assert_eq!(
        family.with([OVERFLOW_VALUE], Reason::Stop).value_u64(),
        family.overflow_count()
    );
}

#[test]
fn default_series_cap() {
    assert_eq!(Options::new().series_cap(), DEFAULT_MAX_SERIES);
    assert_eq!(DEFAULT_MAX_SERIES, 100_000);
    let desc = leak("zero_cap", vec![LabelDesc::open("id", 10)]);
    let family: Family<Counter, (), 1> = Family::new(desc, &Options::new().max_series(0)).unwrap();
    family.with(["a"], ()).inc();
    assert_eq!(family.overflow_count(), 1);
    assert_eq!(family.series_count(), 1);
}

mod model {
    use std::collections::{HashMap, HashSet};

    use metrics_schema_runtime::*;
    use proptest::prelude::*;

    static DESC: MetricDesc = MetricDesc {
        name: "model",
        help: "Help.",
        unit: None,
        metric_type: MetricType::Counter,
        stage: Stage::Active,
        labels: &[LabelDesc::open("a", 1), LabelDesc::open("b", 1)],
        buckets: Buckets::None,
    };

    /// Values that need escaping too.
    fn value(prefix: &str, i: usize) -> String {
        match i % 3 {
            0 => format!("{prefix}{i}"),
            1 => format!("{prefix}\"{i}\\"),
            _ => format!("{prefix}\n{i}é"),
        }
    }

    proptest! {
        /// Any sequence of lookups gives the rows, order, totals and overflow count of a
        /// plain model of the bounds.
        #[test]
        fn family_matches_a_model(
            ops in prop::collection::vec((0..12usize, 0..5usize, 1..5u64), 1..200),
            max_a in 1..8usize,
            max_b in 1..4usize,
            cap in 0..30usize,
        ) {
            let options = Options::new()
                .max_values("a", max_a)
                .max_values("b", max_b)
                .max_series(cap);
            let family: Family<Counter, (), 2> = Family::new(&DESC, &options).unwrap();
            let mut rows: Vec<((String, String), u64)> = Vec::new();
            let mut position: HashMap<(String, String), usize> = HashMap::new();
            let (mut seen_a, mut seen_b) = (HashSet::new(), HashSet::new());
            let (mut overflow, mut overflows) = (0u64, 0u64);
            for &(a, b, n) in &ops {
                let (va, vb) = (value("a", a), value("b", b));
                family.with([&va, &vb], ()).inc_by(n);
                let key = (va.clone(), vb.clone());
                if let Some(&i) = position.get(&key) {
                    rows[i].1 += n;
                    continue;
                }
                let full = (!seen_a.contains(&va) && seen_a.len() >= max_a)
                    || (!seen_b.contains(&vb) && seen_b.len() >= max_b)
                    || rows.len() + 1 > cap;
                if full {
                    overflow += n;
                    overflows += 1;
                } else {
                    seen_a.insert(va);
                    seen_b.insert(vb);
                    position.insert(key.clone(), rows.len());
                    rows.push((key, n));
                }
            }
            let snapshot = family.collector().snapshot();
            let mut expected: Vec<(String, String, u64)> =
                rows.into_iter().map(|((a, b), n)| (a, b, n)).collect();
            if overflows > 0 {
                expected.push((OVERFLOW_VALUE.into(), OVERFLOW_VALUE.into(), overflow));
            }
            let got: Vec<(String, String, u64)> = snapshot
                .series
                .iter()
                .map(|s| {
                    let Sample::Counter { int, .. } = s.sample else { unreachable!() };
                    (s.labels[0].1.clone(), s.labels[1].1.clone(), int)
                })
                .collect();
            prop_assert_eq!(got, expected);
            prop_assert_eq!(family.overflow_count(), overflows);
        }
    }
}

/// Lookups past the bound from more threads than the overflow counters have stripes:
/// every count is exact — the family's overflow count, each label's count in
/// `label_overflows`, the overflow series and the rows' own series.
#[test]
fn overflow_counts_are_exact_under_concurrency() {
    const THREADS: usize = 9;
    const ROUNDS: usize = 3_000;
    let desc = leak(
        "striped",
        vec![LabelDesc::open("user", 8), LabelDesc::open("region", 2)],
    );
    let family: Family<Counter, (), 2> = Family::new(desc, &Options::new()).unwrap();
    let users: Vec<String> = (0..8).map(|i| format!("u{i}")).collect();
    let regions = ["eu", "us"];
    for user in &users {
        for region in regions {
            family.with([user, region], ()).inc_by(0);
        }
    }
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (family, barrier, users) = (&family, &barrier, &users);
            s.spawn(move || {
                barrier.wait();
                let mut new = String::new();
                for i in 0..ROUNDS {
                    use std::fmt::Write;
                    new.clear();
                    write!(new, "new-{t}-{i}").unwrap();
                    let (user, region) = (&users[i % 8], regions[i % 2]);
                    // A new user (past the user bound), a new region (past the region
                    // bound), both, and a row that exists.
                    family.with([&new, region], ()).inc();
                    family.with([user, &new], ()).inc();
                    family.with([&new, &new], ()).inc();
                    family.with([user, region], ()).inc();
                }
            });
        }
    });
    let n = (THREADS * ROUNDS) as u64;
    assert_eq!(family.overflow_count(), 3 * n);
    assert_eq!(
        family
            .with([OVERFLOW_VALUE, OVERFLOW_VALUE], ())
            .value_u64(),
        3 * n
    );
    assert_eq!(
        family.collector().label_overflows(),
        [("user", 2 * n), ("region", 2 * n)]
    );
    // `i % 8` and `i % 2` pair each user with one region.
    for (i, user) in users.iter().enumerate() {
        assert_eq!(
            family.with([user, regions[i % 2]], ()).value_u64(),
            n / 8,
            "{user}"
        );
        assert_eq!(family.with([user, regions[(i + 1) % 2]], ()).value_u64(), 0);
    }
    // 16 rows and the overflow row.
    assert_eq!(family.series_count(), 17);
}

/// A family with one open label is encoded by walking its chunks (padded and packed)
/// side by side: every row, every closed combination, escaped values and the overflow
/// row come out in order with their values, as the snapshot says.
#[test]
fn one_open_label_encoding_covers_every_chunk() {
    let desc = leak(
        "walked",
        vec![
            LabelDesc::open("model", 300),
            LabelDesc::closed("reason", Reason::VALUES),
        ],
    );
    let family: Family<Counter, Reason, 1> = Family::new(desc, &Options::new()).unwrap();
    let values: Vec<String> = (0..310)
        .map(|i| match i % 50 {
            7 => format!("q\"{i}\\\n"),
            _ => format!("model-{i}"),
        })
        .collect();
    for (i, v) in values.iter().enumerate() {
        family.with([v], Reason::Length).inc_by(i as u64 + 1);
    }
    let escape = |v: &str| {
        v.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    };
    let mut expected = String::new();
    for (i, v) in values.iter().take(300).enumerate() {
        let v = escape(v);
        expected += &format!("walked_total{{model=\"{v}\",reason=\"stop\"}} 0\n");
        expected += &format!(
            "walked_total{{model=\"{v}\",reason=\"length\"}} {}\n",
            i + 1
        );
    }
    let overflow: u64 = (301..=310).sum();
    expected += &format!("walked_total{{model=\"{OVERFLOW_VALUE}\",reason=\"stop\"}} 0\n");
    expected +=
        &format!("walked_total{{model=\"{OVERFLOW_VALUE}\",reason=\"length\"}} {overflow}\n");
    let mut out = Vec::new();
    family.collector().encode(Format::Text, &mut out);
    let text = String::from_utf8(out).unwrap();
    let lines: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(
        family.collector().snapshot().series.len(),
        expected.lines().count()
    );
}
