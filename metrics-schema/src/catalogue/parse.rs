//! The reader: TOML text to the catalogue model.
//!
//! The TOML is parsed into a spanned document (`toml::de::DeTable`) and walked by hand, so
//! that every problem is collected with its location instead of stopping at the first one:
//! unknown keys (with a suggestion), wrong value types, missing required keys and invalid
//! versions. Only a TOML syntax error stops early, since there is no document then.

use std::borrow::Cow;

use toml::Spanned as TomlSpanned;
use toml::de::{DeTable, DeValue};

use super::{
    BucketSet, BucketSpec, Buckets, BucketsRef, Catalogue, External, Keys, Label, LabelHistory,
    LabelKind, MULTIPROCESS_MODES, Metric, MetricKind, Policy, PolicyTable, Separator, full_name,
};
use crate::diagnostic::Diagnostic;
use crate::lifecycle::{Lifecycle, Stability, Version, Window};
use crate::lint::rules::{invalid_version, parse as parse_rule, unknown_key};
use crate::source::{Span, Spanned};
use crate::suggest::did_you_mean;

mod rules;

pub(crate) use rules::{AlertKey, RecordKey};

/// The keys of one kind of table, declared once by [`keys!`]: the enum the reader matches
/// exhaustively (so a new key cannot fall into a catch-all arm) and the names that
/// `unknown-key` suggests from.
pub(crate) trait Key: Copy + 'static {
    /// Every key, in documentation order.
    const ALL: &'static [Self];
    /// Their names, in the same order.
    const NAMES: &'static [&'static str];
}

/// Declares a table's keys: `keys!(Name { Variant = "name", ... })`.
macro_rules! keys {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant
            ),+
        }

        impl Key for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const NAMES: &'static [&'static str] = &[$($text),+];
        }
    };
}
pub(crate) use keys;

keys!(
    /// The top-level tables of a catalogue.
    TopLevel {
        Catalogue = "catalogue",
        Policy = "policy",
        Labels = "labels",
        Buckets = "buckets",
        Metric = "metric",
        Alert = "alert",
        Record = "record",
        External = "external",
    }
);
keys!(
    /// The keys of `[catalogue]`.
    CatalogueKey {
        Namespace = "namespace",
        Separator = "separator",
        Stability = "stability",
        Version = "version",
        Allow = "allow",
        ReexportPrefixes = "reexport_prefixes",
        External = "external",
    }
);
keys!(
    /// The keys of a label written as a table in a metric's `labels`.
    LabelRefKey {
        Name = "name",
        Since = "since",
        Deprecated = "deprecated",
        Removed = "removed",
    }
);
keys!(
    /// The keys of an `[[external]]` table.
    ExternalKey {
        Name = "name",
        Type = "type",
        Help = "help",
        Owner = "owner",
    }
);
keys!(
    /// The keys of `[policy]`.
    PolicyKey {
        HideAfter = "hide_after",
        RemoveAfter = "remove_after",
        Alpha = "alpha",
        Beta = "beta",
        Stable = "stable",
    }
);
keys!(
    /// The keys of `[policy.alpha]`, `[policy.beta]` and `[policy.stable]`.
    WindowKey {
        HideAfter = "hide_after",
        RemoveAfter = "remove_after",
    }
);
keys!(
    /// The keys of a `[labels.NAME]` table.
    LabelKey {
        Help = "help",
        Values = "values",
        MaxValues = "max_values",
    }
);
keys!(
    /// The keys of a bucket generator table.
    GeneratorKey {
        Exponential = "exponential",
        Linear = "linear",
    }
);
keys!(
    /// The keys of an `exponential` bucket generator.
    ExponentialKey {
        Start = "start",
        Factor = "factor",
        Count = "count",
    }
);
keys!(
    /// The keys of a `linear` bucket generator.
    LinearKey {
        Start = "start",
        Width = "width",
        Count = "count",
    }
);
keys!(
    /// The keys of a `[[metric]]` table.
    MetricKey {
        Name = "name",
        Type = "type",
        Help = "help",
        Unit = "unit",
        Labels = "labels",
        Buckets = "buckets",
        Group = "group",
        Since = "since",
        Stability = "stability",
        Deprecated = "deprecated",
        Hidden = "hidden",
        Removed = "removed",
        ReplacedBy = "replaced_by",
        Note = "note",
        MultiprocessMode = "multiprocess_mode",
        Allow = "allow",
    }
);

type Value<'i> = TomlSpanned<DeValue<'i>>;

/// A known key of a table, with its value.
struct Entry<'a, 'i> {
    name: &'static str,
    key: Span,
    value: &'a Value<'i>,
}

impl Entry<'_, '_> {
    fn value_span(&self) -> Span {
        self.value.span().into()
    }
}

/// Reads `text` into a catalogue, collecting diagnostics of the reader's rules. `None` only
/// for a TOML syntax error.
pub(crate) fn read(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Catalogue> {
    let document = match DeTable::parse(text) {
        Ok(document) => document,
        Err(error) => {
            let span = error.span().map_or(Span::new(0, 0), Span::from);
            let message = error.message().trim_end_matches('\n');
            diagnostics.push(
                Diagnostic::new(&parse_rule::RULE, span, format!("invalid TOML: {message}"))
                    .label(message.to_owned()),
            );
            return None;
        }
    };
    let mut reader = Reader { diagnostics, text };
    Some(reader.document(document.get_ref()))
}

struct Reader<'d> {
    diagnostics: &'d mut Vec<Diagnostic>,
    /// The catalogue's text, for locating metric names inside PromQL strings.
    text: &'d str,
}

impl Reader<'_> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The known entries of `table` in file order, each with its key `K`; unknown keys are
    /// reported.
    fn entries<'a, 'i, K: Key>(
        &mut self,
        table: &'a DeTable<'i>,
        context: &str,
    ) -> Vec<(K, Entry<'a, 'i>)> {
        let mut entries: Vec<(&TomlSpanned<Cow<'i, str>>, &'a Value<'i>)> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut known = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let name: &str = key.get_ref();
            let span = Span::from(key.span());
            match K::NAMES.iter().position(|known_name| *known_name == name) {
                Some(index) => known.push((
                    K::ALL[index],
                    Entry {
                        name: K::NAMES[index],
                        key: span,
                        value,
                    },
                )),
                None => self.push(unknown_key::key(span, name, context, K::NAMES)),
            }
        }
        known
    }

    fn wrong_type(&mut self, entry: &Entry<'_, '_>, context: &str, expected: &str) {
        let found = entry.value.get_ref().type_str();
        self.push(
            Diagnostic::new(
                &parse_rule::RULE,
                entry.key,
                format!(
                    "`{}` in {context} must be {expected}, found {found}",
                    entry.name
                ),
            )
            .label(format!("expected {expected}"))
            .note(entry.value_span(), format!("this is {}", article(found))),
        );
    }

    fn missing(&mut self, header: Span, key: &str, context: &str, help: &str) {
        self.push(
            Diagnostic::new(
                &parse_rule::RULE,
                header,
                format!("missing required key `{key}` in {context}"),
            )
            .label(format!("this {context} has no `{key}`"))
            .help(help.to_owned()),
        );
    }

    fn string(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<String> {
        match entry.value.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.wrong_type(entry, context, "a string");
                None
            }
        }
    }

    fn integer(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<i64> {
        match entry.value.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.push(Diagnostic::new(
                        &parse_rule::RULE,
                        entry.key,
                        format!("`{}` in {context} is out of range", entry.name),
                    ));
                    None
                }
            },
            _ => {
                self.wrong_type(entry, context, "an integer");
                None
            }
        }
    }

    fn number(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<f64> {
        match number(entry.value.get_ref()) {
            Some(n) => Some(n),
            None => {
                self.wrong_type(entry, context, "a number");
                None
            }
        }
    }

    fn table<'a, 'i>(&mut self, entry: &Entry<'a, 'i>, context: &str) -> Option<&'a DeTable<'i>> {
        match entry.value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(entry, context, "a table");
                None
            }
        }
    }

    /// An array of strings, each with its span.
    fn strings(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<Vec<Spanned<String>>> {
        let DeValue::Array(array) = entry.value.get_ref() else {
            self.wrong_type(entry, context, "an array of strings");
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for item in array.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(Spanned::new(s.to_string(), item.span().into())),
                other => {
                    self.push(
                        Diagnostic::new(
                            &parse_rule::RULE,
                            entry.key,
                            format!(
                                "`{}` in {context} must be an array of strings, found {} in it",
                                entry.name,
                                article(other.type_str())
                            ),
                        )
                        .label("expected an array of strings")
                        .note(item.span().into(), "not a string"),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    /// `external`: metric names, or name prefixes ending in `*`.
    fn external(&mut self, entry: &Entry<'_, '_>, context: &str) -> Vec<Spanned<String>> {
        let names = self.strings(entry, context).unwrap_or_default();
        for name in &names {
            let base = name.value.strip_suffix('*').unwrap_or(&name.value);
            let valid = !base.is_empty()
                && !base.starts_with(|c: char| c.is_ascii_digit())
                && base
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
            if !valid {
                self.push(
                    Diagnostic::new(
                        &parse_rule::RULE,
                        name.span,
                        format!(
                            "`{}` in `external` is not a metric name or a prefix ending in `*`",
                            name.value
                        ),
                    )
                    .label("expected a name like `go_goroutines` or a prefix like `go_*`"),
                );
            }
        }
        names
    }

    fn version(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<Version> {
        if let DeValue::Float(f) = entry.value.get_ref() {
            // `deprecated = 0.10` is a float; say how to write it.
            self.push(
                Diagnostic::new(
                    &parse_rule::RULE,
                    entry.key,
                    format!(
                        "`{}` in {context} must be a string, found float",
                        entry.name
                    ),
                )
                .label("expected a version string")
                .help(format!(
                    "versions are strings: write `{} = \"{}\"`",
                    entry.name,
                    f.as_str()
                )),
            );
            return None;
        }
        let text = self.string(entry, context)?;
        match Version::parse_release(&text) {
            Ok(version) => Some(version),
            Err(error) => {
                self.push(invalid_version::diagnostic(entry.key, entry.name, &error));
                None
            }
        }
    }

    fn document(&mut self, root: &DeTable<'_>) -> Catalogue {
        let mut catalogue_table = None;
        let mut policy_table = None;
        let mut labels_table = None;
        let mut buckets_table = None;
        let mut metric_array = None;
        let (mut alert_array, mut record_array, mut external_array) = (None, None, None);
        for (key, entry) in self.entries(root, "the catalogue") {
            match key {
                TopLevel::Catalogue => catalogue_table = Some(entry),
                TopLevel::Policy => policy_table = Some(entry),
                TopLevel::Labels => labels_table = Some(entry),
                TopLevel::Buckets => buckets_table = Some(entry),
                TopLevel::Metric => metric_array = Some(entry),
                TopLevel::Alert => alert_array = Some(entry),
                TopLevel::Record => record_array = Some(entry),
                TopLevel::External => external_array = Some(entry),
            }
        }

        let mut cat = Catalogue {
            namespace: None,
            separator: Separator::Underscore,
            stability: Stability::Alpha,
            version: None,
            allow: Vec::new(),
            external: Vec::new(),
            policy: Policy::default(),
            labels: Vec::new(),
            bucket_sets: Vec::new(),
            metrics: Vec::new(),
            alerts: Vec::new(),
            records: Vec::new(),
            externals: Vec::new(),
            reexport_prefixes: Vec::new(),
            header: None,
            keys: Keys::default(),
            unreadable_sets: Vec::new(),
            by_name: Default::default(),
        };
        if let Some(entry) = catalogue_table {
            self.catalogue_settings(&entry, &mut cat);
        }
        if let Some(entry) = policy_table {
            cat.policy = self.policy(&entry);
        }
        if let Some(entry) = labels_table {
            cat.labels = self.labels(&entry);
        }
        if let Some(entry) = buckets_table {
            (cat.bucket_sets, cat.unreadable_sets) = self.bucket_sets(&entry);
        }
        if let Some(entry) = metric_array {
            cat.metrics = self.metrics(&entry, cat.stability);
        }
        if let Some(entry) = alert_array {
            cat.alerts = self.alerts(&entry);
        }
        if let Some(entry) = record_array {
            cat.records = self.records(&entry);
        }
        if let Some(entry) = external_array {
            cat.externals = self.externals(&entry);
        }
        resolve(&mut cat);
        cat
    }

    fn catalogue_settings(&mut self, entry: &Entry<'_, '_>, cat: &mut Catalogue) {
        const CX: &str = "[catalogue]";
        let Some(table) = self.table(entry, "the catalogue") else {
            return;
        };
        cat.header = Some(entry.value_span());
        for (key, e) in self.entries(table, CX) {
            cat.keys.push(e.name, e.key, e.value_span());
            match key {
                CatalogueKey::Namespace => cat.namespace = self.string(&e, CX),
                CatalogueKey::Separator => {
                    if let Some(sep) = self.string(&e, CX) {
                        match sep.as_str() {
                            "_" => cat.separator = Separator::Underscore,
                            ":" => cat.separator = Separator::Colon,
                            _ => self.push(
                                Diagnostic::new(
                                    &parse_rule::RULE,
                                    e.key,
                                    format!("unknown separator {sep:?}: expected \"_\" or \":\""),
                                )
                                .label("expected \"_\" or \":\""),
                            ),
                        }
                    }
                }
                CatalogueKey::Stability => {
                    if let Some(s) = self.stability(&e, CX) {
                        cat.stability = s;
                    }
                }
                CatalogueKey::Version => cat.version = self.version(&e, CX),
                CatalogueKey::External => cat.external = self.external(&e, CX),
                CatalogueKey::Allow => cat.allow = self.strings(&e, CX).unwrap_or_default(),
                CatalogueKey::ReexportPrefixes => {
                    cat.reexport_prefixes = self.strings(&e, CX).unwrap_or_default();
                    for prefix in &cat.reexport_prefixes {
                        if !crate::promql::is_metric_name(&prefix.value) {
                            self.push(
                                Diagnostic::new(
                                    &parse_rule::RULE,
                                    prefix.span,
                                    format!(
                                        "re-export prefix {:?} cannot start a metric name",
                                        prefix.value
                                    ),
                                )
                                .label("not a metric name prefix")
                                .help(
                                    "a prefix is made of letters, digits, `_` and `:`, and does not start with a digit, e.g. \"ray_vllm_\"".to_owned(),
                                ),
                            );
                        }
                    }
                }
            }
        }
    }

    fn externals(&mut self, entry: &Entry<'_, '_>) -> Vec<External> {
        const CX: &str = "[[external]]";
        let mut out = Vec::new();
        for (header, table) in self.table_array(entry, "external name") {
            let mut external = External {
                name: String::new(),
                kind: None,
                help: None,
                owner: None,
                header,
                keys: Keys::with_capacity(table.len()),
            };
            let mut name = None;
            for (key, e) in self.entries(table, CX) {
                external.keys.push(e.name, e.key, e.value_span());
                match key {
                    ExternalKey::Name => name = self.string(&e, CX),
                    ExternalKey::Type => external.kind = self.metric_kind(&e),
                    ExternalKey::Help => external.help = self.string(&e, CX),
                    ExternalKey::Owner => external.owner = self.string(&e, CX),
                }
            }
            match name {
                Some(name) if crate::promql::is_metric_name(&name) => {
                    external.name = name;
                    out.push(external);
                }
                Some(name) => {
                    let at = external.keys.value("name").unwrap_or(header);
                    self.push(
                        Diagnostic::new(
                            &parse_rule::RULE,
                            at,
                            format!("external name {name:?} is not a metric name"),
                        )
                        .label("not a metric name")
                        .help("write the name as it is exposed, e.g. `name = \"vllm:current_qps\"`".to_owned()),
                    );
                }
                None if external.keys.key("name").is_none() => self.missing(
                    header,
                    "name",
                    CX,
                    "every external name needs its `name`, as exposed, e.g. `name = \"vllm:current_qps\"`",
                ),
                None => {}
            }
        }
        out
    }

    fn stability(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<Stability> {
        let text = self.string(entry, context)?;
        match text.parse::<Stability>() {
            Ok(s) => Some(s),
            Err(error) => {
                self.push(
                    Diagnostic::new(&parse_rule::RULE, entry.key, error.to_string())
                        .label("not a stability level")
                        .maybe_help(did_you_mean(&text, Stability::ALL.map(Stability::as_str))),
                );
                None
            }
        }
    }

    fn policy(&mut self, entry: &Entry<'_, '_>) -> Policy {
        let mut written: [PolicyTable; 4] = Default::default();
        if let Some(table) = self.table(entry, "the catalogue") {
            written[0].header = Some(entry.value_span());
            for (key, e) in self.entries(table, "[policy]") {
                let index = match key {
                    PolicyKey::HideAfter => {
                        written[0].hide_after = self.window_value(&e, "[policy]");
                        continue;
                    }
                    PolicyKey::RemoveAfter => {
                        written[0].remove_after = self.window_value(&e, "[policy]");
                        continue;
                    }
                    PolicyKey::Alpha => 1,
                    PolicyKey::Beta => 2,
                    PolicyKey::Stable => 3,
                };
                let context = format!("[policy.{}]", e.name);
                if let Some(sub) = self.table(&e, "[policy]") {
                    written[index].header = Some(e.value_span());
                    for (key, w) in self.entries(sub, &context) {
                        let value = self.window_value(&w, &context);
                        match key {
                            WindowKey::HideAfter => written[index].hide_after = value,
                            WindowKey::RemoveAfter => written[index].remove_after = value,
                        }
                    }
                }
            }
        }
        let pick = |v: &Option<Spanned<i64>>, fallback: u64| {
            v.as_ref()
                .map_or(fallback, |v| u64::try_from(v.value).unwrap_or(0))
        };
        let default = Window {
            hide_after: pick(&written[0].hide_after, Window::DEFAULT.hide_after),
            remove_after: pick(&written[0].remove_after, Window::DEFAULT.remove_after),
        };
        let level = |t: &PolicyTable| Window {
            hide_after: pick(&t.hide_after, default.hide_after),
            remove_after: pick(&t.remove_after, default.remove_after),
        };
        Policy {
            default,
            alpha: level(&written[1]),
            beta: level(&written[2]),
            stable: level(&written[3]),
            written,
        }
    }

    fn window_value(&mut self, entry: &Entry<'_, '_>, context: &str) -> Option<Spanned<i64>> {
        self.integer(entry, context)
            .map(|v| Spanned::new(v, entry.key))
    }

    fn labels(&mut self, entry: &Entry<'_, '_>) -> Vec<Label> {
        let Some(table) = self.table(entry, "the catalogue") else {
            return Vec::new();
        };
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut labels = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let name = key.get_ref().to_string();
            let context = format!("[labels.{name}]");
            let DeValue::Table(def) = value.get_ref() else {
                self.push(
                    Diagnostic::new(
                        &parse_rule::RULE,
                        key.span().into(),
                        format!(
                            "label `{name}` must be a table, found {}",
                            value.get_ref().type_str()
                        ),
                    )
                    .help(format!(
                        "write `[labels.{name}]` with `help` and `values` or `max_values`"
                    )),
                );
                continue;
            };
            let mut label = Label {
                name,
                help: None,
                kind: LabelKind::Open { max_values: None },
                header: value.span().into(),
                keys: Keys::default(),
                value_spans: Vec::new(),
                raw_max_values: None,
                values_read: false,
            };
            let mut values = None;
            for (key, e) in self.entries(def, &context) {
                label.keys.push(e.name, e.key, e.value_span());
                match key {
                    LabelKey::Help => label.help = self.string(&e, &context),
                    LabelKey::Values => values = self.strings(&e, &context),
                    LabelKey::MaxValues => label.raw_max_values = self.integer(&e, &context),
                }
            }
            label.kind = match values {
                Some(values) => {
                    label.values_read = true;
                    label.value_spans = values.iter().map(|v| v.span).collect();
                    LabelKind::Closed {
                        values: values.into_iter().map(|v| v.value).collect(),
                    }
                }
                None if label.keys.key("values").is_some() => {
                    // `values` has the wrong type: keep the label closed so that no
                    // `unbounded-label` warning follows the error.
                    LabelKind::Closed { values: Vec::new() }
                }
                None => LabelKind::Open {
                    max_values: label.raw_max_values.map(|n| u64::try_from(n).unwrap_or(0)),
                },
            };
            labels.push(label);
        }
        labels
    }

    fn bucket_sets(&mut self, entry: &Entry<'_, '_>) -> (Vec<BucketSet>, Vec<String>) {
        let Some(table) = self.table(entry, "the catalogue") else {
            return (Vec::new(), Vec::new());
        };
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        let mut sets = Vec::with_capacity(entries.len());
        let mut unreadable = Vec::new();
        for (key, value) in entries {
            let name = key.get_ref().to_string();
            let key_span: Span = key.span().into();
            let context = format!("[buckets] `{name}`");
            let spec = match value.get_ref() {
                DeValue::Array(_) | DeValue::Table(_) => {
                    self.bucket_spec(key_span, "bucket set", value, &context)
                }
                other => {
                    self.push(
                        Diagnostic::new(
                            &parse_rule::RULE,
                            key_span,
                            format!(
                                "bucket set `{name}` must be an array of bounds or a generator table, found {}",
                                other.type_str()
                            ),
                        )
                        .help("write `name = [0.1, 0.5, 1.0]` or `name = { exponential = { start = 1.0, factor = 2.0, count = 10 } }`"),
                    );
                    None
                }
            };
            if let Some(spec) = spec {
                let bounds = spec.bounds().unwrap_or_default();
                sets.push(BucketSet {
                    name,
                    spec,
                    bounds,
                    key: key_span,
                    value: value.span().into(),
                });
            } else {
                unreadable.push(key.get_ref().to_string());
            }
        }
        (sets, unreadable)
    }

    /// An array of bounds or a generator table.
    fn bucket_spec(
        &mut self,
        key: Span,
        what: &str,
        value: &Value<'_>,
        context: &str,
    ) -> Option<BucketSpec> {
        match value.get_ref() {
            DeValue::Array(array) => {
                let mut bounds = Vec::with_capacity(array.len());
                for item in array.iter() {
                    match number(item.get_ref()) {
                        Some(n) => bounds.push(n),
                        None => {
                            self.push(
                                Diagnostic::new(
                                    &parse_rule::RULE,
                                    key,
                                    format!(
                                        "{what} bounds must be numbers, found {}",
                                        article(item.get_ref().type_str())
                                    ),
                                )
                                .note(item.span().into(), "not a number"),
                            );
                            return None;
                        }
                    }
                }
                Some(BucketSpec::Bounds(bounds))
            }
            DeValue::Table(table) => self.generator(key, table, context),
            _ => None,
        }
    }

    fn generator(&mut self, key: Span, table: &DeTable<'_>, context: &str) -> Option<BucketSpec> {
        let entries = self.entries::<GeneratorKey>(table, context);
        let mut iter = entries.into_iter();
        let Some((generator, first)) = iter.next() else {
            self.push(
                Diagnostic::new(
                    &parse_rule::RULE,
                    key,
                    format!("a bucket generator needs `exponential` or `linear` in {context}"),
                )
                .help("write `{ exponential = { start = 1.0, factor = 2.0, count = 10 } }`"),
            );
            return None;
        };
        if let Some((_, second)) = iter.next() {
            self.push(
                Diagnostic::new(
                    &parse_rule::RULE,
                    second.key,
                    format!("a bucket generator has exactly one of `exponential` and `linear` in {context}"),
                )
                .note(first.key, "first generator here"),
            );
            return None;
        }
        let cx = format!("{context} {} generator", first.name);
        let inner = self.table(&first, &cx)?;
        /// A generator's parameters: `factor` and `width` are its step.
        enum Param {
            Start,
            Step,
            Count,
        }
        let exponential = generator == GeneratorKey::Exponential;
        let params: Vec<(Param, Entry<'_, '_>)> = match generator {
            GeneratorKey::Exponential => self
                .entries(inner, &cx)
                .into_iter()
                .map(|(key, e)| match key {
                    ExponentialKey::Start => (Param::Start, e),
                    ExponentialKey::Factor => (Param::Step, e),
                    ExponentialKey::Count => (Param::Count, e),
                })
                .collect(),
            GeneratorKey::Linear => self
                .entries(inner, &cx)
                .into_iter()
                .map(|(key, e)| match key {
                    LinearKey::Start => (Param::Start, e),
                    LinearKey::Width => (Param::Step, e),
                    LinearKey::Count => (Param::Count, e),
                })
                .collect(),
        };
        let (mut start, mut step, mut count) = (None, None, None);
        let mut present = Vec::with_capacity(3);
        for (param, e) in params {
            present.push(e.name);
            match param {
                Param::Start => start = self.number(&e, &cx),
                Param::Count => count = self.integer(&e, &cx),
                Param::Step => step = self.number(&e, &cx),
            }
        }
        let step_name = if exponential { "factor" } else { "width" };
        for name in ["start", step_name, "count"] {
            if !present.contains(&name) {
                self.missing(
                    first.key,
                    name,
                    &format!("{} generator", first.name),
                    &format!(
                        "write `{} = {{ start = 1.0, {step_name} = 2.0, count = 10 }}`",
                        first.name
                    ),
                );
            }
        }
        let (start, step, count) = (start?, step?, count?);
        Some(if exponential {
            BucketSpec::Exponential {
                start,
                factor: step,
                count,
            }
        } else {
            BucketSpec::Linear {
                start,
                width: step,
                count,
            }
        })
    }

    fn metrics(&mut self, entry: &Entry<'_, '_>, default_stability: Stability) -> Vec<Metric> {
        self.table_array(entry, "metric")
            .into_iter()
            .map(|(header, table)| self.metric(header, table, default_stability))
            .collect()
    }

    /// The tables of an array of tables (`[[metric]]`, `[[alert]]`, ...), each with its
    /// header; anything else is reported.
    fn table_array<'a, 'i>(
        &mut self,
        entry: &Entry<'a, 'i>,
        what: &str,
    ) -> Vec<(Span, &'a DeTable<'i>)> {
        let help = format!(
            "write each {what} under its own `[[{}]]` header",
            entry.name
        );
        let DeValue::Array(array) = entry.value.get_ref() else {
            self.push(
                Diagnostic::new(
                    &parse_rule::RULE,
                    entry.key,
                    format!(
                        "`{}` must be an array of tables, found {}",
                        entry.name,
                        entry.value.get_ref().type_str()
                    ),
                )
                .help(help),
            );
            return Vec::new();
        };
        let mut tables = Vec::with_capacity(array.len());
        for item in array.iter() {
            match item.get_ref() {
                DeValue::Table(table) => tables.push((item.span().into(), table)),
                other => self.push(
                    Diagnostic::new(
                        &parse_rule::RULE,
                        item.span().into(),
                        format!("each {what} must be a table, found {}", other.type_str()),
                    )
                    .help(help.clone()),
                ),
            }
        }
        tables
    }

    fn metric(
        &mut self,
        header: Span,
        table: &DeTable<'_>,
        default_stability: Stability,
    ) -> Metric {
        const CX: &str = "[[metric]]";
        let mut m = Metric {
            name: String::new(),
            full_name: String::new(),
            kind: MetricKind::Gauge,
            unit: None,
            help: String::new(),
            labels: Vec::new(),
            label_refs: Vec::new(),
            label_history: Vec::new(),
            buckets: None,
            buckets_ref: None,
            group: None,
            since: None,
            stability: default_stability,
            lifecycle: Lifecycle::default(),
            schedule: Default::default(),
            replaced_by: None,
            replacement: None,
            replacement_series: None,
            note: None,
            multiprocess_mode: None,
            allow: Vec::new(),
            header,
            keys: Keys::with_capacity(table.len()),
            complete: false,
        };
        let (mut name, mut kind, mut help) = (None, None, None);
        for (key, e) in self.entries(table, CX) {
            m.keys.push(e.name, e.key, e.value_span());
            match key {
                MetricKey::Name => name = self.string(&e, CX),
                MetricKey::Type => kind = self.metric_kind(&e),
                MetricKey::Help => help = self.string(&e, CX),
                MetricKey::Unit => m.unit = self.string(&e, CX),
                MetricKey::Labels => {
                    (m.label_refs, m.label_history) = self.label_refs(&e).unwrap_or_default();
                }
                MetricKey::Buckets => m.buckets_ref = self.buckets_ref(&e),
                MetricKey::Group => m.group = self.string(&e, CX),
                MetricKey::Since => m.since = self.version(&e, CX),
                MetricKey::Stability => {
                    if let Some(s) = self.stability(&e, CX) {
                        m.stability = s;
                    }
                }
                MetricKey::Deprecated => m.lifecycle.deprecated = self.version(&e, CX),
                MetricKey::Hidden => m.lifecycle.hidden = self.version(&e, CX),
                MetricKey::Removed => m.lifecycle.removed = self.version(&e, CX),
                MetricKey::ReplacedBy => m.replaced_by = self.string(&e, CX),
                MetricKey::Note => m.note = self.string(&e, CX),
                MetricKey::MultiprocessMode => m.multiprocess_mode = self.multiprocess_mode(&e),
                MetricKey::Allow => m.allow = self.strings(&e, CX).unwrap_or_default(),
            }
        }
        for (key, help_text) in [
            (
                "name",
                "every metric needs a `name`, e.g. `name = \"request_success\"`",
            ),
            (
                "type",
                "every metric needs a `type`: \"counter\", \"gauge\", \"histogram\" or \"info\"",
            ),
            (
                "help",
                "every metric needs a `help` text saying what it measures",
            ),
        ] {
            if m.keys.key(key).is_none() {
                self.missing(header, key, CX, help_text);
            }
        }
        if let (Some(mode), Some(kind)) = (m.keys.get("multiprocess_mode"), kind)
            && m.multiprocess_mode.is_some()
            && kind != MetricKind::Gauge
        {
            self.push(
                Diagnostic::new(
                    &parse_rule::RULE,
                    mode.key,
                    format!("`multiprocess_mode` applies to gauges only, not to a {kind}"),
                )
                .label("not a gauge")
                .help(
                    "prometheus_client sums counters and histograms across processes; remove \
                     the key"
                        .to_owned(),
                ),
            );
        }
        if let (Some(name), Some(kind), Some(help)) = (name, kind, help) {
            m.name = name;
            m.kind = kind;
            m.help = help;
            m.complete = true;
        }
        m
    }

    /// A metric's `labels`: names, or tables with a name and its history.
    #[allow(clippy::type_complexity)]
    fn label_refs(
        &mut self,
        entry: &Entry<'_, '_>,
    ) -> Option<(Vec<Spanned<String>>, Vec<(String, LabelHistory)>)> {
        const CX: &str = "a label of `labels`";
        let DeValue::Array(array) = entry.value.get_ref() else {
            self.wrong_type(entry, "[[metric]]", "an array of label names");
            return None;
        };
        let mut names = Vec::with_capacity(array.len());
        let mut history = Vec::new();
        for item in array.iter() {
            match item.get_ref() {
                DeValue::String(s) => names.push(Spanned::new(s.to_string(), item.span().into())),
                DeValue::Table(table) => {
                    let mut h = LabelHistory {
                        span: item.span().into(),
                        ..LabelHistory::default()
                    };
                    let mut name = None;
                    for (key, e) in self.entries(table, CX) {
                        h.keys.push(e.name, e.key, e.value_span());
                        match key {
                            LabelRefKey::Name => {
                                name = self
                                    .string(&e, CX)
                                    .map(|n| Spanned::new(n, e.value_span()));
                            }
                            LabelRefKey::Since => h.since = self.version(&e, CX),
                            LabelRefKey::Deprecated => h.deprecated = self.version(&e, CX),
                            LabelRefKey::Removed => h.removed = self.version(&e, CX),
                        }
                    }
                    match name {
                        Some(name) => {
                            history.push((name.value.clone(), h));
                            names.push(name);
                        }
                        None if h.keys.key("name").is_none() => self.missing(
                            item.span().into(),
                            "name",
                            CX,
                            "a label written as a table names it: `{ name = \"engine\", since = \"0.8.3\" }`",
                        ),
                        None => {}
                    }
                }
                other => self.push(
                    Diagnostic::new(
                        &parse_rule::RULE,
                        item.span().into(),
                        format!(
                            "each label of `labels` is a name or a table, found {}",
                            article(other.type_str())
                        ),
                    )
                    .label("expected a label name or a table")
                    .help(
                        "write `\"engine\"`, or `{ name = \"engine\", since = \"0.8.3\" }` for a label added later"
                            .to_owned(),
                    ),
                ),
            }
        }
        Some((names, history))
    }

    fn multiprocess_mode(&mut self, entry: &Entry<'_, '_>) -> Option<String> {
        let text = self.string(entry, "[[metric]]")?;
        if MULTIPROCESS_MODES.contains(&text.as_str()) {
            return Some(text);
        }
        self.push(
            Diagnostic::new(
                &parse_rule::RULE,
                entry.key,
                format!(
                    "unknown multiprocess_mode {text:?}: expected one of {}",
                    MULTIPROCESS_MODES
                        .iter()
                        .map(|m| format!("{m:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .label("unknown mode")
            .maybe_help(did_you_mean(&text, MULTIPROCESS_MODES)),
        );
        None
    }

    fn metric_kind(&mut self, entry: &Entry<'_, '_>) -> Option<MetricKind> {
        let text = self.string(entry, "[[metric]]")?;
        if let Some(kind) = MetricKind::parse(&text) {
            return Some(kind);
        }
        let help = if text == "summary" {
            Some("summaries are not supported: use a histogram".to_owned())
        } else {
            did_you_mean(&text, MetricKind::ALL.map(MetricKind::as_str))
        };
        self.push(
            Diagnostic::new(
                &parse_rule::RULE,
                entry.key,
                format!(
                    "unknown metric type {text:?}: expected \"counter\", \"gauge\", \"histogram\" or \"info\""
                ),
            )
            .label("unknown type")
            .maybe_help(help),
        );
        None
    }

    fn buckets_ref(&mut self, entry: &Entry<'_, '_>) -> Option<BucketsRef> {
        match entry.value.get_ref() {
            DeValue::String(s) if s == "runtime" => Some(BucketsRef::Runtime),
            DeValue::String(s) => Some(BucketsRef::Set(s.to_string())),
            DeValue::Array(_) | DeValue::Table(_) => self
                .bucket_spec(
                    entry.key,
                    "inline bucket",
                    entry.value,
                    "[[metric]] `buckets`",
                )
                .map(BucketsRef::Inline),
            _ => {
                self.wrong_type(
                    entry,
                    "[[metric]]",
                    "a bucket set name, \"runtime\", an array of bounds or a generator table",
                );
                None
            }
        }
    }
}

fn number(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse().ok(),
        _ => None,
    }
}

fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

/// Fills in what depends on the whole catalogue: full names, resolved labels and buckets,
/// schedules and replacements.
fn resolve(cat: &mut Catalogue) {
    let mut by_name = std::collections::HashMap::with_capacity(cat.metrics.len());
    for (index, m) in cat.metrics.iter_mut().enumerate() {
        m.full_name = full_name(cat.namespace.as_deref(), cat.separator, &m.name);
        if m.complete {
            by_name.entry(m.name.clone()).or_insert(index);
        }
    }
    let kinds: Vec<MetricKind> = cat.metrics.iter().map(|m| m.kind).collect();
    let shared: Vec<std::sync::Arc<Label>> = cat
        .labels
        .iter()
        .map(|l| std::sync::Arc::new(l.clone()))
        .collect();
    for (index, m) in cat.metrics.iter_mut().enumerate() {
        m.labels.reserve_exact(m.label_refs.len());
        for r in &m.label_refs {
            if m.labels.iter().any(|l| l.name == r.value) {
                continue; // `duplicate-label`
            }
            if let Some(label) = shared.iter().find(|l| l.name == r.value) {
                m.labels.push(label.clone());
            }
        }
        m.buckets = match &m.buckets_ref {
            Some(BucketsRef::Runtime) => Some(Buckets::Runtime),
            Some(BucketsRef::Set(name)) => cat
                .bucket_sets
                .iter()
                .find(|s| &s.name == name)
                .filter(|s| !s.bounds.is_empty())
                .map(|s| Buckets::Bounds(s.bounds.clone())),
            Some(BucketsRef::Inline(spec)) => spec.bounds().ok().map(Buckets::Bounds),
            None => None,
        };
        m.schedule = m.lifecycle.schedule(cat.policy.window(m.stability));
        if let Some(&target) = m.replaced_by.as_ref().and_then(|t| by_name.get(t))
            && target != index
        {
            let full = full_name(
                cat.namespace.as_deref(),
                cat.separator,
                m.replaced_by.as_deref().unwrap_or_default(),
            );
            m.replacement_series = Some(kinds[target].queried_name(&full));
            m.replacement = Some(full);
        }
    }
    cat.by_name = by_name;
}

#[cfg(test)]
mod key_tests {
    use super::*;

    fn unknown_keys(text: &str) -> Vec<String> {
        let mut diagnostics = Vec::new();
        read(text, &mut diagnostics);
        diagnostics
            .iter()
            .filter(|d| d.rule == "unknown-key")
            .map(|d| d.message.clone())
            .collect()
    }

    #[test]
    fn every_declared_key_is_read_and_no_other() {
        // Each key of [[metric]], [[alert]] and [[record]] given a string: wrong types are
        // other rules' business, but none is an unknown key.
        for (table, names) in [
            ("metric", MetricKey::NAMES),
            ("alert", rules::AlertKey::NAMES),
            ("record", rules::RecordKey::NAMES),
        ] {
            assert_eq!(names.len(), {
                let mut unique = names.to_vec();
                unique.sort_unstable();
                unique.dedup();
                unique.len()
            });
            for name in names {
                let text = format!("[[{table}]]\n{name} = \"x\"\n");
                assert_eq!(unknown_keys(&text), Vec::<String>::new(), "{text}");
            }
            let text = format!("[[{table}]]\nnot_a_key = \"x\"\n");
            assert_eq!(unknown_keys(&text).len(), 1, "{text}");
        }
        for name in ExternalKey::NAMES {
            let text = format!("[[external]]\n{name} = \"x\"\n");
            let unknown = unknown_keys(&text);
            assert_eq!(unknown, Vec::<String>::new(), "{text}");
        }
        for (table, names) in [
            ("catalogue", CatalogueKey::NAMES),
            ("policy", PolicyKey::NAMES),
        ] {
            for name in names {
                let text = format!("[{table}]\n{name} = \"x\"\n");
                assert_eq!(unknown_keys(&text), Vec::<String>::new(), "{text}");
            }
        }
        for name in TopLevel::NAMES {
            assert!(unknown_keys(&format!("[{name}]\n")).is_empty(), "{name}");
        }
    }
}
