use super::*;

fn om(text: &str) -> Exposition {
    parse(text, Format::OpenMetrics).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn txt(text: &str) -> Exposition {
    parse(text, Format::Text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn err(text: &str, format: Format) -> ParseError {
    parse(text, format).expect_err(text)
}

#[test]
fn text_format_families_and_lines() {
    let s = txt("# HELP a_total Requests.\n\
                 # TYPE a_total counter\n\
                 a_total{code=\"200\",method=\"GET\"} 3 1700000000000\n\
                 \n\
                 # a comment\n\
                 # TYPE h histogram\n\
                 h_bucket{le=\"0.5\"} 1\n\
                 h_bucket{le=\"+Inf\"} 2\n\
                 h_sum 0.75\n\
                 h_count 2\n\
                 loose 1e3\n\
                 # TYPE s summary\n\
                 s{quantile=\"0.5\"} NaN\n\
                 s_sum -Inf\n\
                 s_count 0\n");
    let names: Vec<_> = s
        .families
        .iter()
        .map(|f| (f.name.as_str(), f.kind, f.typed, f.line))
        .collect();
    assert_eq!(
        names,
        [
            ("a_total", Kind::Counter, true, 1),
            ("h", Kind::Histogram, true, 6),
            ("loose", Kind::Unknown, false, 11),
            ("s", Kind::Summary, true, 12),
        ]
    );
    let a = &s.families[0];
    assert_eq!(a.help.as_deref(), Some("Requests."));
    assert_eq!(a.samples[0].line, 3);
    assert_eq!(a.samples[0].timestamp, Some(1_700_000_000_000.0));
    assert_eq!(a.samples[0].label("method"), Some("GET"));
    assert_eq!(s.families[1].samples.len(), 4);
    assert_eq!(s.families[1].samples[3].line, 10);
    assert_eq!(s.families[2].samples[0].value, 1000.0);
    assert!(s.families[3].samples[0].value.is_nan());
    assert_eq!(s.families[3].samples[1].value, f64::NEG_INFINITY);
}

#[test]
fn openmetrics_types_units_created_and_exemplars() {
    let s = om("# TYPE c counter\n\
                # UNIT c seconds\n\
                # HELP c Time \\\"spent\\\"\\nhere.\n\
                c_total 1.5 # {trace_id=\"abc\"} 0.5 1700000000.25\n\
                c_created 1700000000\n\
                # TYPE i info\n\
                i_info{version=\"1.2\"} 1\n\
                # TYPE st stateset\n\
                st{st=\"a\"} 1\n\
                st{st=\"b\"} 0\n\
                # TYPE g gaugehistogram\n\
                g_bucket{le=\"+Inf\"} 3\n\
                g_gcount 3\n\
                g_gsum 4\n\
                # TYPE u unknown\n\
                u 2 123.5\n\
                # EOF\n");
    let c = &s.families[0];
    assert_eq!(c.unit.as_deref(), Some("seconds"));
    assert_eq!(c.help.as_deref(), Some("Time \"spent\"\nhere."));
    assert_eq!(c.help_line, Some(3));
    assert_eq!(c.samples.len(), 2);
    let ex = c.samples[0].exemplar.as_ref().unwrap();
    assert_eq!(ex.labels, [("trace_id".to_owned(), "abc".to_owned())]);
    assert_eq!((ex.value, ex.timestamp), (0.5, Some(1_700_000_000.25)));
    let kinds: Vec<_> = s.families.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Counter,
            Kind::Info,
            Kind::StateSet,
            Kind::GaugeHistogram,
            Kind::Unknown
        ]
    );
    assert_eq!(s.families[4].samples[0].timestamp, Some(123.5));
}

#[test]
fn label_escapes() {
    let s = txt("m{a=\"x\\\\y\\\"z\\n\",b=\"☃\",} 1\n");
    assert_eq!(s.families[0].samples[0].label("a"), Some("x\\y\"z\n"));
    assert_eq!(s.families[0].samples[0].label("b"), Some("☃"));
    // Text-format HELP keeps unknown escapes, as Prometheus does.
    let s = txt("# HELP m a\\tb \\\\ c\nm 1\n");
    assert_eq!(s.families[0].help.as_deref(), Some("a\\tb \\ c"));
}

#[test]
fn text_samples_may_return_to_an_earlier_family() {
    let s = txt("# TYPE a gauge\na{x=\"1\"} 1\nb 2\na{x=\"2\"} 3\n");
    assert_eq!(s.families.len(), 2);
    assert_eq!(s.families[0].samples.len(), 2);
}

#[test]
fn errors_name_line_and_column() {
    let e = err("a 1\nb{x=\"1\" 2\n", Format::Text);
    assert_eq!((e.line, e.column), (2, 9), "{e}");
    assert!(e.message.contains("`,` or `}`"), "{e}");
    let e = err("a 1\n", Format::OpenMetrics);
    assert!(e.message.contains("missing `# EOF`"), "{e}");
    let e = err("a 1\n# EOF\nb 2\n", Format::OpenMetrics);
    assert_eq!(e.line, 3);
    let e = err("a 1\n\n# EOF\n", Format::OpenMetrics);
    assert_eq!(e.line, 2);
    let e = err(
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n",
        Format::OpenMetrics,
    );
    assert!(e.message.contains("interleave"), "{e}");
    let e = err("# TYPE a gauge\n# TYPE a counter\n", Format::Text);
    assert!(e.message.contains("second `# TYPE`"), "{e}");
    let e = err("# TYPE a sometype\n", Format::Text);
    assert!(e.message.contains("unknown type"), "{e}");
    let e = err("a{x=\"1\",x=\"2\"} 1\n", Format::Text);
    assert!(e.message.contains("twice"), "{e}");
    let e = err("a one\n", Format::Text);
    assert_eq!((e.line, e.column), (1, 3));
    let e = err("a 1 1.5\n", Format::Text);
    assert!(e.message.contains("milliseconds"), "{e}");
    let e = err("a{x=\"\\q\"} 1\n", Format::Text);
    assert!(e.message.contains("invalid escape"), "{e}");
    let e = err("a 1 # {x=\"1\"} 1\n", Format::Text);
    assert!(e.message.contains("OpenMetrics"), "{e}");
    let e = err("# random comment\n# EOF\n", Format::OpenMetrics);
    assert_eq!(e.line, 1);
    let e = err("é 1\n", Format::Text);
    assert_eq!((e.line, e.column), (1, 1));
    let e = err("a{é=\"1\"} 1\n", Format::Text);
    assert_eq!((e.line, e.column), (1, 3));
}

#[test]
fn detects_the_format() {
    assert_eq!(Format::detect("a 1\n# EOF\n"), Format::OpenMetrics);
    assert_eq!(Format::detect("a 1\n# EOF"), Format::OpenMetrics);
    assert_eq!(Format::detect("a 1\n"), Format::Text);
    assert_eq!(Format::detect(""), Format::Text);
    assert_eq!(
        Format::from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        Some(Format::OpenMetrics)
    );
    assert_eq!(
        Format::from_content_type("text/plain; version=0.0.4"),
        Some(Format::Text)
    );
    assert_eq!(Format::from_content_type("text/html"), None);
}

#[test]
fn numbers() {
    for (s, v) in [
        ("1", 1.0),
        ("-1.5e3", -1500.0),
        ("+Inf", f64::INFINITY),
        ("-inf", f64::NEG_INFINITY),
        (".5", 0.5),
    ] {
        assert_eq!(lex::number(s), Some(v), "{s}");
    }
    assert!(lex::number("NaN").unwrap().is_nan());
    for bad in ["", "0x10", "1_000", "one", "1.2.3", "infinit"] {
        assert_eq!(lex::number(bad), None, "{bad}");
    }
}
